import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseServiceConfig, loadConfig } from '@cowork/service-kit';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

// Offline checks of the Kubernetes manifests (deploy/k8s): the base and every overlay are rendered
// by a small kustomize renderer below (only the features the manifests use; anything else fails
// loudly), cross-checked against `kubectl kustomize` / `kustomize build` when either is installed,
// validated against the Kubernetes API schemas shipped by the kubernetes-models package (types,
// formats, required fields; unknown fields through the same package's type declarations), and
// checked against the repository: every service, its port, its health endpoints, its configuration
// variables, the URLs between services, resources, security, scaling and the Secrets.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const K8S = join(ROOT, 'deploy', 'k8s');
const BASE = join(K8S, 'base');
const DEV = join(K8S, 'overlays', 'dev');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const log = (line: string) => process.stderr.write(`[k8s e2e] ${line}\n`);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: Json | undefined };
  [key: string]: any;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

// ------------------------------------------------------------------ the repository

/** Every root folder named *-service with a src/main.ts: a service. */
const services = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name.endsWith('-service') && existsSync(join(ROOT, d.name, 'src', 'main.ts')))
  .map((d) => d.name)
  .sort();

function configPort(service: string): number {
  const match = /override\s+PORT\s*=\s*(\d+)/.exec(read(`${service}/src/config.ts`));
  if (!match) throw new Error(`${service}/src/config.ts has no "override PORT = N"`);
  return Number(match[1]);
}

/** Variables a service's .env.example documents, set or commented out (`# NAME=...`). */
function documentedVariables(service: string): Set<string> {
  return new Set([...read(`${service}/.env.example`).matchAll(/^\s*#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

/** Properties a config class declares (`NAME = ...`, `NAME: type`, `NAME?: type`), from its source. */
function declaredVariables(source: string, className: string): Set<string> {
  const start = source.indexOf(`export class ${className}`);
  if (start < 0) throw new Error(`no class ${className}`);
  const body = source.slice(start, source.indexOf('\n}', start));
  return new Set([...body.matchAll(/^\s+(?:override\s+)?([A-Z][A-Z0-9_]*)[?!]?\s*[:=;]/gm)].map((m) => m[1]!));
}
const kitVariables = declaredVariables(read('libs/service-kit/src/config/service-config.ts'), 'BaseServiceConfig');
function serviceVariables(service: string): Set<string> {
  const source = read(`${service}/src/config.ts`);
  const name = /export class (\w+) extends BaseServiceConfig/.exec(source)?.[1];
  if (!name) throw new Error(`${service}/src/config.ts: no class extending BaseServiceConfig`);
  return new Set([...kitVariables, ...declaredVariables(source, name)]);
}

/** Variables that name another service (the defaults point at localhost, so a cluster must set them). */
const isPeerVariable = (name: string) =>
  (name.endsWith('_URL') && name !== 'DATABASE_URL') || name === 'EVENT_SUBSCRIBERS' || name === 'AUDIT_SOURCES';
/** Variables whose values are secrets: never in a ConfigMap or in the base. */
const SECRET_VARIABLE =
  /SECRET|_PASSWORD$|PRIVATE_KEY|_TOKEN$|^SERVICE_CLIENTS$|^DATABASE_URL$|^SMTP_USER$|^ADMIN_EMAIL$/;

// ------------------------------------------------------------------ a minimal kustomize

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);
const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'images',
  'replicas',
  'patches',
  'secretGenerator',
  'generatorOptions',
]);
interface Target {
  kind?: string;
  name?: string;
}

function loadDocuments(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

function matches(o: K8sObject, target: Target): boolean {
  return (!target.kind || o.kind === target.kind) && (!target.name || o.metadata.name === target.name);
}

/** JSON pointer segments (RFC 6901). */
const pointer = (path: string) =>
  path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** JSON patch (RFC 6902): add, replace, remove. */
function applyJson6902(o: K8sObject, ops: { op: string; path: string; value?: Json }[], where: string): void {
  for (const { op, path, value } of ops) {
    const segments = pointer(path);
    const last = segments.pop()!;
    let parent: any = o;
    for (const s of segments) {
      parent = Array.isArray(parent) ? parent[Number(s)] : parent?.[s];
      if (parent === undefined) throw new Error(`${where}: ${op} ${path}: no such path in ${idOf(o)}`);
    }
    const exists = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
    if (op === 'add') {
      if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, structuredClone(value));
      else parent[last] = structuredClone(value);
    } else if (op === 'replace') {
      if (!exists) throw new Error(`${where}: replace ${path}: no such path in ${idOf(o)}`);
      parent[last] = structuredClone(value);
    } else if (op === 'remove') {
      if (!exists) throw new Error(`${where}: remove ${path}: no such path in ${idOf(o)}`);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      throw new Error(`${where}: JSON patch op ${op} is not supported by this renderer`);
    }
  }
}

/** Strategic merge for maps (null deletes); lists of objects would need merge keys: refused. */
function strategicMerge(target: JsonObject, patch: JsonObject, where: string): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(target[key])) strategicMerge(target[key], value, where);
    else if (Array.isArray(value) && value.some(isObject))
      throw new Error(`${where}: a list of objects (${key}) needs merge keys: not supported by this renderer`);
    else target[key] = structuredClone(value);
  }
}

/** Renders a kustomization directory the way `kustomize build` does, for the features used here. */
function build(dir: string): K8sObject[] {
  const where = relative(ROOT, join(dir, 'kustomization.yaml'));
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, any>;
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${where}: "${field}" is not supported by the test's renderer`);
  }
  const objects: K8sObject[] = [];
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${where}: resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? build(path) : loadDocuments(path)));
  }
  // generators
  for (const generator of (k.secretGenerator ?? []) as Record<string, any>[]) {
    if (!k.generatorOptions?.disableNameSuffixHash) throw new Error(`${where}: name suffix hashes are not supported`);
    if (generator.envs || generator.files) throw new Error(`${where}: only literals are supported in secretGenerator`);
    const data: Record<string, string> = {};
    for (const literal of generator.literals as string[]) {
      const at = literal.indexOf('=');
      data[literal.slice(0, at)] = Buffer.from(literal.slice(at + 1)).toString('base64');
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: generator.name },
      type: generator.type ?? 'Opaque',
      data,
    });
  }
  // transformers, in kustomize's order: patches, namespace, labels, replicas, images
  for (const entry of (k.patches ?? []) as { path?: string; patch?: string; target?: Target }[]) {
    const text = entry.path ? readFileSync(resolve(dir, entry.path), 'utf8') : entry.patch!;
    const patch = parse(text) as Json;
    const patchWhere = `${where} patch ${entry.path ?? '(inline)'}`;
    const selected = Array.isArray(patch)
      ? objects.filter((o) => matches(o, entry.target ?? {}))
      : objects.filter((o) =>
          matches(o, entry.target ?? { kind: (patch as any).kind, name: (patch as any).metadata?.name }),
        );
    if (selected.length === 0) throw new Error(`${patchWhere}: matches no resource`);
    for (const o of selected) {
      if (Array.isArray(patch)) applyJson6902(o, patch as any, patchWhere);
      else {
        const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = patch as JsonObject;
        strategicMerge(o as unknown as JsonObject, rest, patchWhere);
      }
    }
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const label of (k.labels ?? []) as {
    pairs: Record<string, string>;
    includeSelectors?: boolean;
    includeTemplates?: boolean;
  }[]) {
    if (label.includeSelectors) throw new Error(`${where}: labels with includeSelectors are not supported`);
    for (const o of objects) {
      o.metadata.labels = { ...o.metadata.labels, ...label.pairs };
      if (label.includeTemplates && o.kind === 'Deployment') {
        o.spec.template.metadata.labels = { ...o.spec.template.metadata.labels, ...label.pairs };
      }
    }
  }
  for (const { name, count } of (k.replicas ?? []) as { name: string; count: number }[]) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (!deployment) throw new Error(`${where}: replicas for ${name}, which is no Deployment`);
    deployment.spec.replicas = count;
  }
  for (const image of (k.images ?? []) as { name: string; newName?: string; newTag?: string; digest?: string }[]) {
    if (image.digest) throw new Error(`${where}: image digests are not supported by this renderer`);
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      for (const container of o.spec.template.spec.containers as { image: string }[]) {
        const [name, tag] = splitImage(container.image);
        if (name === image.name) container.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
      }
    }
  }
  return objects;
}

function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

/** `kubectl kustomize` or `kustomize build`, when installed; undefined otherwise. */
function renderWithKustomize(dir: string): { tool: string; objects: K8sObject[] } | undefined {
  for (const [tool, args] of [
    ['kustomize', ['build', dir]],
    ['kubectl', ['kustomize', dir]],
  ] as const) {
    const run = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000 });
    if (run.error) continue; // not installed
    if (run.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed:\n${run.stderr}`);
    const objects = parseAllDocuments(run.stdout)
      .map((d) => d.toJS() as K8sObject)
      .filter(Boolean);
    // long base64 values come out as block scalars, broken into lines: the same bytes
    for (const o of objects.filter((x) => x.kind === 'Secret')) {
      for (const key of Object.keys(o.data ?? {})) o.data[key] = String(o.data[key]).replace(/\s+/g, '');
    }
    return { tool, objects };
  }
  return undefined;
}

// ------------------------------------------------------------------ the API schemas

/** The kinds the manifests use, each with its kubernetes-models class (JSON schema validation). */
const MODELS: Record<string, { validate(o: K8sObject): void; type: string; module: string }> = {};
function model(apiVersion: string, kind: string, ctor: new (data: any) => { validate(): void }, module: string) {
  MODELS[`${apiVersion}/${kind}`] = { validate: (o) => new ctor(o).validate(), type: `I${kind}`, module };
}
model('v1', 'ConfigMap', ConfigMap, 'kubernetes-models/v1/ConfigMap');
model('v1', 'Secret', Secret, 'kubernetes-models/v1/Secret');
model('v1', 'Service', Service, 'kubernetes-models/v1/Service');
model('v1', 'Namespace', Namespace, 'kubernetes-models/v1/Namespace');
model('apps/v1', 'Deployment', Deployment, 'kubernetes-models/apps/v1/Deployment');
model(
  'autoscaling/v2',
  'HorizontalPodAutoscaler',
  HorizontalPodAutoscaler,
  'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
);
model('policy/v1', 'PodDisruptionBudget', PodDisruptionBudget, 'kubernetes-models/policy/v1/PodDisruptionBudget');

/**
 * Unknown fields: the OpenAPI schemas leave additionalProperties open (the API server rejects
 * unknown fields itself, with strict field validation), so fields are checked against the same
 * package's type declarations, through the TypeScript checker.
 */
class FieldChecker {
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  constructor() {
    const entry = join(ROOT, 'e2e', 'test', '__k8s_field_types__.ts');
    const keys = Object.keys(MODELS);
    const source =
      keys.map((key, i) => `import type { ${MODELS[key]!.type} as T${i} } from '${MODELS[key]!.module}';`).join('\n') +
      `\nexport interface Kinds {\n${keys.map((key, i) => `  '${key}': T${i};`).join('\n')}\n}\n`;
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (file, language, ...rest) =>
      file === entry ? ts.createSourceFile(file, source, language) : getSourceFile.call(host, file, language, ...rest);
    host.fileExists = (file) => file === entry || fileExists.call(host, file);
    host.readFile = (file) => (file === entry ? source : readFile.call(host, file));
    const program = ts.createProgram([entry], options, host);
    const file = program.getSourceFile(entry)!;
    const problems = ts.getPreEmitDiagnostics(program, file);
    if (problems.length > 0) {
      throw new Error(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
    }
    this.checker = program.getTypeChecker();
    const kinds = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s))!;
    for (const property of this.checker.getTypeAtLocation(kinds.name).getProperties()) {
      this.roots.set(property.name, this.checker.getTypeOfSymbol(property));
    }
  }

  /** Paths of the fields the object's type does not declare. */
  unknownFields(o: K8sObject): string[] {
    const root = this.roots.get(`${o.apiVersion}/${o.kind}`);
    if (!root) return [`${o.apiVersion}/${o.kind}: no type`];
    const found: string[] = [];
    this.walk(o, root, '', found);
    return found;
  }

  private walk(value: unknown, type: ts.Type, path: string, found: string[]): void {
    const t = this.checker.getNonNullableType(type);
    if (Array.isArray(value)) {
      const element = this.checker.isArrayType(t) ? this.checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
      if (element) value.forEach((item, i) => this.walk(item, element, `${path}[${i}]`, found));
      return;
    }
    if (!isObject(value)) return; // scalars: the JSON schema checks their types and formats
    const candidates = t.isUnion() ? t.types.filter((m) => m.getProperties().length > 0) : [t];
    const objectType =
      candidates.find((c) => Object.keys(value).every((key) => c.getProperty(key))) ?? candidates[0] ?? t;
    const index = this.checker.getIndexTypeOfType(objectType, ts.IndexKind.String);
    for (const [key, child] of Object.entries(value)) {
      const property = objectType.getProperty(key);
      if (property) this.walk(child, this.checker.getTypeOfSymbol(property), `${path}.${key}`, found);
      else if (index) this.walk(child, index, `${path}.${key}`, found);
      else found.push(`${path}.${key}`);
    }
  }
}

/** Every problem the schemas (and a few API server rules they do not express) find in an object. */
function schemaProblems(o: K8sObject, fields: FieldChecker): string[] {
  const problems: string[] = [];
  const entry = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!entry) return [`${idOf(o)}: ${o.apiVersion} ${o.kind} is not a kind this test knows a schema for`];
  try {
    entry.validate(o);
  } catch (error) {
    problems.push(`${idOf(o)}: ${(error as Error).message}`);
  }
  for (const path of fields.unknownFields(o)) problems.push(`${idOf(o)}: unknown field ${path}`);
  // API server validation the JSON schemas leave out
  const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  if (!dns1123.test(o.metadata.name) || o.metadata.name.length > 63)
    problems.push(`${idOf(o)}: name is not a DNS-1123 label`);
  for (const [key, value] of Object.entries(o.metadata.labels ?? {})) {
    if (!/^(([a-z0-9.-]+)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key))
      problems.push(`${idOf(o)}: bad label key ${key}`);
    if (!/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(value))
      problems.push(`${idOf(o)}: bad label value ${value}`);
  }
  for (const key of Object.keys(o.data ?? {})) {
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) problems.push(`${idOf(o)}: bad data key ${key}`);
  }
  if (o.kind === 'Deployment') {
    for (const [key, value] of Object.entries(o.spec.selector.matchLabels as Record<string, string>)) {
      if (o.spec.template.metadata.labels?.[key] !== value)
        problems.push(`${idOf(o)}: selector ${key}=${value} does not select the pod template`);
    }
    for (const c of o.spec.template.spec.containers) {
      for (const p of c.ports ?? []) if (p.name && p.name.length > 15) problems.push(`${idOf(o)}: port name ${p.name}`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------ helpers over rendered objects

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
const containerOf = (d: K8sObject) => d.spec.template.spec.containers[0];
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A port of a probe or Service: a number, or the name of a container port. */
function portNumber(container: any, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports as { name?: string; containerPort: number }[]).find((p) => p.name === port)?.containerPort;
}

/** Kubernetes quantities ("250m", "1", "512Mi") as numbers. */
function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`cannot read quantity ${value}`);
  const factor = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

/** Every URL a ConfigMap gives: *_URL values and the URLs of name=url lists. */
function urlsOf(data: Record<string, string>): { key: string; name?: string; url: URL }[] {
  const urls: { key: string; name?: string; url: URL }[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key.endsWith('_URL') && value) urls.push({ key, url: new URL(value) });
    if (key === 'EVENT_SUBSCRIBERS' || key === 'AUDIT_SOURCES') {
      for (const entry of value.split(',').filter(Boolean)) {
        const at = entry.indexOf('=');
        urls.push({ key, name: entry.slice(0, at), url: new URL(entry.slice(at + 1)) });
      }
    }
  }
  return urls;
}

const secretData = (s: K8sObject): Record<string, string> =>
  Object.fromEntries(
    Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
  );

/** Placeholders for the keys a production Secret holds (test values only, to load the config). */
function placeholderSecrets(service: string): Record<string, string> {
  const secret = 'placeholder-secret-of-the-test';
  return {
    DATABASE_URL: `postgres://cowork:${secret}@db.example.internal:5432/cowork_${service.replace(/-service$/, '')}`,
    SERVICE_CLIENT_SECRET: secret,
    ...(service === 'auth-service'
      ? {
          SERVICE_CLIENTS: services.map((s) => `${s}:${secret}`).join(','),
          JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----',
          ADMIN_EMAIL: 'admin@example.com',
          ADMIN_PASSWORD: secret,
        }
      : {}),
    ...(service === 'notification-service' ? { SMTP_USER: 'mailer', SMTP_PASSWORD: secret } : {}),
  };
}

async function configClass(service: string): Promise<new () => BaseServiceConfig> {
  const module = (await import(join(ROOT, service, 'src', 'config.ts'))) as Record<string, unknown>;
  const found = Object.values(module).find(
    (v): v is new () => BaseServiceConfig => typeof v === 'function' && v.prototype instanceof BaseServiceConfig,
  );
  if (!found) throw new Error(`${service}/src/config.ts exports no config class`);
  return found;
}

// ------------------------------------------------------------------ the tests

const rendered: Record<'base' | 'dev', K8sObject[]> = { base: build(BASE), dev: build(DEV) };
let fields: FieldChecker;

beforeAll(() => {
  const started = Date.now();
  fields = new FieldChecker();
  log(`field types of ${Object.keys(MODELS).length} kinds loaded in ${Date.now() - started} ms`);
});

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('finds the eight services in the repository', () => {
    expect(services).toHaveLength(8);
  });

  describe.each(['base', 'dev'] as const)('%s', (variant) => {
    const dir = variant === 'base' ? BASE : DEV;
    const objects = rendered[variant];

    it('renders as kustomize does (cross-checked when kubectl or kustomize is installed)', () => {
      const reference = renderWithKustomize(dir);
      if (!reference) {
        log(`${variant}: neither kustomize nor kubectl is installed; the test's renderer alone is used`);
        return;
      }
      log(`${variant}: cross-checked against ${reference.tool} (${reference.objects.length} objects)`);
      const byId = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [idOf(o), o]));
      expect(byId(objects)).toEqual(byId(reference.objects));
    });

    it('validates every object against the Kubernetes API schemas, with no unknown fields', () => {
      expect(objects.length).toBeGreaterThan(0);
      const ids = objects.map(idOf);
      expect(new Set(ids).size).toBe(ids.length);
      expect(objects.flatMap((o) => schemaProblems(o, fields))).toEqual([]);
    });

    it('has a Deployment, Service, ConfigMap and PodDisruptionBudget per service, and nothing for others', () => {
      for (const service of services) {
        for (const [kind, name] of [
          ['Deployment', service],
          ['Service', service],
          ['ConfigMap', `${service}-config`],
          ['PodDisruptionBudget', service],
        ]) {
          expect(objects.some((o) => o.kind === kind && o.metadata.name === name)).toBe(true);
        }
      }
      const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
      expect(deployments.sort()).toEqual(services);
      expect(
        objects
          .filter((o) => o.kind === 'Service')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(services);
    });

    it('labels everything part-of cowork, and each service its objects and pods with its name', () => {
      for (const o of objects)
        expect([idOf(o), o.metadata.labels?.['app.kubernetes.io/part-of']]).toEqual([idOf(o), 'cowork']);
      for (const service of services) {
        for (const o of objects.filter((x) => x.metadata.name === service || x.metadata.name === `${service}-config`)) {
          expect(o.metadata.labels?.['app.kubernetes.io/name']).toBe(service);
        }
        const pod = find(objects, 'Deployment', service).spec.template.metadata.labels;
        expect(pod['app.kubernetes.io/name']).toBe(service);
        expect(pod['app.kubernetes.io/part-of']).toBe('cowork');
      }
    });

    it.each(services)("%s: ports and probes are the service's own", (service) => {
      const port = configPort(service);
      const deployment = find(objects, 'Deployment', service);
      const container = containerOf(deployment);
      expect(deployment.spec.template.spec.containers).toHaveLength(1);
      expect(container.ports.map((p: any) => p.containerPort)).toEqual([port]);
      expect(container.startupProbe.httpGet.path).toBe('/health/live');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        expect(portNumber(container, probe.httpGet.port)).toBe(port);
      }
      // migrations run before the port opens: the startup probe waits at least two minutes
      const startup = container.startupProbe;
      expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(120);
      const svc = find(objects, 'Service', service);
      expect(svc.spec.type).toBe('ClusterIP');
      expect(svc.spec.ports).toHaveLength(1);
      expect(svc.spec.ports[0].port).toBe(port);
      expect(portNumber(container, svc.spec.ports[0].targetPort)).toBe(port);
      expect(selects(svc.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
      for (const other of objects.filter((o) => o.kind === 'Deployment' && o !== deployment)) {
        expect(selects(svc.spec.selector, other.spec.template.metadata.labels)).toBe(false);
      }
    });

    it.each(services)('%s: its ConfigMap sets documented variables, and names peers by Service', (service) => {
      const data = find(objects, 'ConfigMap', `${service}-config`).data as Record<string, string>;
      const documented = documentedVariables(service);
      const declared = serviceVariables(service);
      for (const key of Object.keys(data)) {
        expect([key, documented.has(key), declared.has(key)]).toEqual([key, true, true]);
        expect([key, SECRET_VARIABLE.test(key)]).toEqual([key, false]);
      }
      expect(data.PORT).toBe(String(configPort(service)));
      expect(data.HOST).toBe('0.0.0.0');
      expect(data.SERVICE_CLIENT_ID).toBe(service);
      // every peer the service can call is set (the code's defaults are localhost)
      for (const variable of [...declared].filter(isPeerVariable))
        expect([variable, variable in data]).toEqual([variable, true]);
      expect(data.AUTH_JWKS_URL).toBe('http://auth-service:3000/.well-known/jwks.json');
      const servicePorts = new Map(
        objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata.name, o.spec.ports[0].port as number]),
      );
      for (const { key, name, url } of urlsOf(data)) {
        expect([key, url.protocol, servicePorts.get(url.hostname)]).toEqual([key, 'http:', Number(url.port)]);
        if (name) expect([key, name]).toEqual([key, url.hostname]);
      }
    });

    it.each(services)('%s: the configuration is one the service itself accepts', async (service) => {
      const data = find(objects, 'ConfigMap', `${service}-config`).data as Record<string, string>;
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === `${service}-secrets`);
      const env = { ...data, ...(secret ? secretData(secret) : placeholderSecrets(service)) };
      const config = loadConfig(await configClass(service), env);
      expect(config.PORT).toBe(configPort(service));
      expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    });

    it.each(services)('%s: resources, security, storage and shutdown', (service) => {
      const deployment = find(objects, 'Deployment', service);
      const pod = deployment.spec.template.spec;
      const container = containerOf(deployment);
      const data = find(objects, 'ConfigMap', `${service}-config`).data as Record<string, string>;
      for (const resource of ['cpu', 'memory']) {
        const request = container.resources?.requests?.[resource];
        const limit = container.resources?.limits?.[resource];
        expect([resource, request !== undefined, limit !== undefined]).toEqual([resource, true, true]);
        expect(quantity(request)).toBeLessThanOrEqual(quantity(limit));
      }
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBe(1000);
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.securityContext.runAsUser ?? pod.securityContext.runAsUser).toBe(1000);
      expect(pod.automountServiceAccountToken).toBe(false);
      // the only writable paths are emptyDirs, /tmp among them; DATA_DIR, if set, lies on one
      const emptyDirs = new Set((pod.volumes ?? []).filter((v: any) => v.emptyDir).map((v: any) => v.name));
      const writable = (container.volumeMounts ?? []).filter((m: any) => emptyDirs.has(m.name) && !m.readOnly);
      expect(writable.map((m: any) => m.mountPath)).toContain('/tmp');
      expect(container.volumeMounts.length).toBe(writable.length);
      if (data.DATA_DIR) expect(writable.some((m: any) => data.DATA_DIR!.startsWith(`${m.mountPath}/`))).toBe(true);
      // the pod outlives the preStop pause plus the service's own shutdown grace
      const grace = Number(data.SHUTDOWN_GRACE_MS ?? 10_000);
      const preStop = container.lifecycle?.preStop?.exec?.command;
      const pause = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(grace + pause * 1000);
      // configuration and secrets from the service's own ConfigMap and Secret, nothing inline
      expect(container.env).toBeUndefined();
      expect(container.envFrom).toEqual([
        { configMapRef: { name: `${service}-config`, optional: false } },
        { secretRef: { name: `${service}-secrets`, optional: false } },
      ]);
      const [image, tag] = splitImage(container.image);
      expect(image).toBe(`cowork/${service}`);
      expect(tag).toBe(variant === 'base' ? 'latest' : 'dev');
    });

    it('has one disruption budget per service, selecting exactly its pods', () => {
      const deployments = objects.filter((o) => o.kind === 'Deployment');
      for (const service of services) {
        const pdb = find(objects, 'PodDisruptionBudget', service);
        expect(pdb.spec.maxUnavailable ?? pdb.spec.minAvailable).toBe(1);
        const selected = deployments.filter((d) =>
          selects(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels),
        );
        expect(selected.map((d) => d.metadata.name)).toEqual([service]);
      }
    });

    it('scales booking-service on CPU with a HorizontalPodAutoscaler', () => {
      const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
      expect(hpas.map((h) => h.metadata.name)).toEqual(['booking-service']);
      const hpa = hpas[0]!;
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'booking-service' });
      const target = find(objects, 'Deployment', 'booking-service');
      expect(target.metadata.namespace).toBe(hpa.metadata.namespace);
      expect(containerOf(target).resources.requests.cpu).toBeDefined(); // utilization is relative to it
      expect(hpa.spec.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ]);
      expect(hpa.spec.minReplicas).toBe(2);
      expect(hpa.spec.maxReplicas).toBe(variant === 'base' ? 10 : 3);
      expect(target.spec.replicas).toBe(hpa.spec.minReplicas);
    });

    it('runs the replicas the variant asks for', () => {
      for (const service of services) {
        const expected = variant === 'base' || service === 'booking-service' ? 2 : 1;
        expect([service, find(objects, 'Deployment', service).spec.replicas]).toEqual([service, expected]);
      }
    });
  });

  it('keeps every secret out of the base', () => {
    const base = rendered.base;
    expect(base.filter((o) => o.kind === 'Secret')).toEqual([]);
    const kustomization = parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
    expect(kustomization.secretGenerator).toBeUndefined();
    for (const o of base) {
      for (const [key, value] of Object.entries((o.data ?? {}) as Record<string, string>)) {
        expect([idOf(o), key, SECRET_VARIABLE.test(key)]).toEqual([idOf(o), key, false]);
        expect([idOf(o), key, /dev-only|:\/\/[^/\s]*:[^@\s]*@/.test(value)]).toEqual([idOf(o), key, false]);
      }
    }
  });

  it('puts the development overlay in its own namespace, with images tagged dev', () => {
    const dev = rendered.dev;
    expect(find(dev, 'Namespace', 'cowork-dev')).toBeDefined();
    for (const o of dev.filter((x) => x.kind !== 'Namespace'))
      expect([idOf(o), o.metadata.namespace]).toEqual([idOf(o), 'cowork-dev']);
    for (const service of services) {
      expect(find(dev, 'ConfigMap', `${service}-config`).data.NODE_ENV).toBe('development');
      expect(find(rendered.base, 'ConfigMap', `${service}-config`).data.NODE_ENV).toBe('production');
      const request = (v: 'base' | 'dev', r: string) =>
        quantity(containerOf(find(rendered[v], 'Deployment', service)).resources.requests[r]);
      expect(request('dev', 'memory')).toBeLessThan(request('base', 'memory'));
      expect(request('dev', 'cpu')).toBeLessThanOrEqual(request('base', 'cpu'));
    }
  });

  it('gives the development overlay a Secret per service, with consistent development-only values', () => {
    const dev = rendered.dev;
    const secrets = Object.fromEntries(
      services.map((service) => [service, secretData(find(dev, 'Secret', `${service}-secrets`))]),
    );
    for (const service of services) {
      const values = secrets[service]!;
      expect(Object.keys(values)).toEqual(expect.arrayContaining(['DATABASE_URL', 'SERVICE_CLIENT_SECRET']));
      // every secret value says it is for development only
      for (const [key, value] of Object.entries(values)) {
        if (key !== 'ADMIN_EMAIL') expect([service, key, value.includes('dev-only')]).toEqual([service, key, true]);
      }
      // one database, and one role, per service
      const url = new URL(values.DATABASE_URL!);
      const short = service.replace(/-service$/, '');
      expect([url.username, url.pathname]).toEqual([`cowork_${short}`, `/cowork_${short}`]);
      // notification-service in development sends to its embedded sink: no SMTP credentials
      if (service === 'notification-service') expect(values.SMTP_PASSWORD).toBeUndefined();
    }
    // auth-service knows every service's client secret, and each service has its own
    const clients = new Map(
      secrets['auth-service']!.SERVICE_CLIENTS!.split(',').map((pair) => {
        const at = pair.indexOf(':');
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    );
    expect([...clients.keys()].sort()).toEqual(services);
    for (const service of services) expect(clients.get(service)).toBe(secrets[service]!.SERVICE_CLIENT_SECRET);
    expect(new Set(clients.values()).size).toBe(services.length);
    expect(secrets['auth-service']!.ADMIN_PASSWORD).toBeDefined();
  });

  it('documents every secret key in deploy/k8s/README.md', () => {
    const readme = read('deploy/k8s/README.md');
    const keys = new Set(['JWT_PRIVATE_KEY', 'SMTP_USER', 'SMTP_PASSWORD']);
    for (const s of rendered.dev.filter((o) => o.kind === 'Secret'))
      for (const key of Object.keys(s.data)) keys.add(key);
    for (const key of keys) expect([key, readme.includes(key)]).toEqual([key, true]);
  });

  it("builds every image from a root Dockerfile target of the service's name (when the Dockerfile exists)", () => {
    if (!existsSync(join(ROOT, 'Dockerfile'))) {
      log('no root Dockerfile: image targets not checked');
      return;
    }
    const targets = new Set([...read('Dockerfile').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]));
    for (const service of services) expect([service, targets.has(service)]).toEqual([service, true]);
  });

  it('catches what it should: a misspelt field, a wrongly typed value, a missing required field', () => {
    const deployment = structuredClone(find(rendered.base, 'Deployment', 'booking-service'));
    containerOf(deployment).readinessProbe.httpGet.paht = '/health/ready';
    expect(schemaProblems(deployment, fields)).toEqual([
      'Deployment/booking-service: unknown field .spec.template.spec.containers[0].readinessProbe.httpGet.paht',
    ]);
    const configMap = structuredClone(find(rendered.base, 'ConfigMap', 'booking-service-config'));
    configMap.data.PORT = 3003;
    expect(schemaProblems(configMap, fields).join('\n')).toMatch(/data\/PORT must be string/);
    const hpa = structuredClone(find(rendered.base, 'HorizontalPodAutoscaler', 'booking-service'));
    delete hpa.spec.maxReplicas;
    expect(schemaProblems(hpa, fields).join('\n')).toMatch(/maxReplicas/);
  });
});
