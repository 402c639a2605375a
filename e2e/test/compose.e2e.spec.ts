import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// Static checks of the container set-up (Dockerfile, docker-compose.yml, docker/postgres/init.sh)
// against the repository: no Docker engine needed. When the docker-compose binary is installed,
// the file is also validated by it.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const log = (line: string) => process.stderr.write(`[compose e2e] ${line}\n`);

/** The compose services that are not ours. */
const INFRASTRUCTURE = ['postgres', 'mailpit'];

// ------------------------------------------------------------------ the repository

/** Every folder at the root with a package.json and a src/main.ts: a service. */
const serviceFolders = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
  .map((d) => d.name)
  .filter((name) => existsSync(join(ROOT, name, 'package.json')) && existsSync(join(ROOT, name, 'src', 'main.ts')))
  .sort();

function configPort(service: string): number {
  const match = /override\s+PORT\s*=\s*(\d+)/.exec(read(`${service}/src/config.ts`));
  if (!match) throw new Error(`${service}/src/config.ts has no "override PORT = N"`);
  return Number(match[1]);
}

function readmePort(service: string): number | undefined {
  const match = new RegExp(`^\\|\\s*${service}\\s*\\|\\s*(\\d+)\\s*\\|`, 'm').exec(read('README.md'));
  return match ? Number(match[1]) : undefined;
}

/** Variables the kit's BaseServiceConfig declares: common to every service. */
function kitVariables(): Set<string> {
  const source = read('libs/service-kit/src/config/service-config.ts');
  const start = source.indexOf('export class BaseServiceConfig');
  const body = source.slice(start, source.indexOf('\n}', start));
  return new Set([...body.matchAll(/^\s+([A-Z][A-Z0-9_]*)[?!]?\s*[:=;]/gm)].map((m) => m[1]!));
}

/** Variables a service's .env.example documents, set or commented out (`# NAME=...`). */
function documentedVariables(service: string): Set<string> {
  return new Set([...read(`${service}/.env.example`).matchAll(/^\s*#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

/** `NAME=value` lines (not commented) of a service's .env.example. */
function exampleDefaults(service: string): Map<string, string> {
  return new Map(
    [...read(`${service}/.env.example`).matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

// ------------------------------------------------------------------ docker-compose.yml

/**
 * Compose's variable interpolation with an empty environment, i.e. what the committed defaults
 * give: `${NAME:-default}` and `${NAME-default}` become the default, `${NAME}` and `$NAME` become
 * empty, `$$` is a literal `$`, and `${NAME:?message}` fails.
 */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      if (op === ':-' || op === '-') return arg ?? '';
      if (op === ':?' || op === '?') throw new Error(`\${${name}} is required and has no default: ${arg}`);
      return '';
    },
  );
}

function interpolateAll<T>(value: T): T {
  if (typeof value === 'string') return interpolate(value) as T;
  if (Array.isArray(value)) return value.map(interpolateAll) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v)])) as T;
  }
  return value;
}

type ComposeService = Record<string, any>;
const composeText = read('docker-compose.yml');
// merge: the file shares blocks through YAML anchors and `<<` merge keys
const raw: { services: Record<string, ComposeService>; volumes?: Record<string, unknown> } = parse(composeText, {
  merge: true,
});
const compose = interpolateAll(raw);
const services = compose.services ?? {};

/** A service's environment as strings, mapping or list form. */
function environment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Published ports as {host, container}, short or long syntax. */
function publishedPorts(service: ComposeService): { host: number; container: number }[] {
  return (service.ports ?? []).map((entry: any) => {
    if (typeof entry === 'object') return { host: Number(entry.published), container: Number(entry.target) };
    const parts = String(entry)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const container = Number(parts.at(-1));
    return { host: parts.length > 1 ? Number(parts.at(-2)) : container, container };
  });
}

/** The ports a compose service listens on inside the network. */
function containerPorts(name: string): number[] {
  const service = services[name]!;
  const ports = new Set<number>(publishedPorts(service).map((p) => p.container));
  for (const e of service.expose ?? []) ports.add(Number(String(e).split('/')[0]));
  if (serviceFolders.includes(name)) ports.add(configPort(name));
  return [...ports];
}

function dependsOn(service: ComposeService): Record<string, { condition?: string }> {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((d: string) => [d, {}])) : deps;
}

// ------------------------------------------------------------------ Dockerfile

interface Stage {
  name: string;
  base: string;
  instructions: { op: string; args: string }[];
}

function dockerStages(text: string): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  let current: Stage | undefined;
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op.toUpperCase() === 'FROM') {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(args);
      current = { name: match ? match[2]! : `#${stages.size}`, base: match ? match[1]! : args, instructions: [] };
      stages.set(current.name, current);
    } else {
      current?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

const stages = dockerStages(read('Dockerfile'));

/** A stage and the stages it is built FROM, base first. */
function stageChain(name: string): Stage[] {
  const stage = stages.get(name);
  if (!stage) return [];
  return stages.has(stage.base) ? [...stageChain(stage.base), stage] : [stage];
}

const lastArgs = (chain: Stage[], op: string) =>
  chain
    .flatMap((s) => s.instructions)
    .filter((i) => i.op === op)
    .at(-1)?.args;

// ------------------------------------------------------------------ docker/postgres/init.sh

/** `create_database <name> <password variable>` lines: the databases (and same-named roles) created. */
const initScript = read('docker/postgres/init.sh');
const initDatabases = new Map(
  [...initScript.matchAll(/^create_database\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1]!, m[2]!]),
);

// ------------------------------------------------------------------ the checks

describe('docker-compose.yml, Dockerfile and docker/ agree with the repository', () => {
  const appServices = Object.keys(services).filter((name) => !INFRASTRUCTURE.includes(name));

  it('has a compose service for every service folder and vice versa, plus postgres and mailpit', () => {
    expect(serviceFolders.length).toBeGreaterThanOrEqual(8);
    expect([...appServices].sort()).toEqual(serviceFolders);
    for (const name of INFRASTRUCTURE) expect(services[name]).toBeDefined();
    expect(services.postgres!.image).toMatch(/^postgres:16-alpine$/);
    expect(services.mailpit!.image).toMatch(/^axllent\/mailpit(:|$)/);
  });

  it.each(serviceFolders)('%s publishes its config PORT, which is the README port', (name) => {
    const port = configPort(name);
    expect(readmePort(name)).toBe(port);
    expect(publishedPorts(services[name]!)).toContainEqual({ host: port, container: port });
    const env = environment(services[name]!);
    if (env.PORT !== undefined) expect(Number(env.PORT)).toBe(port);
  });

  it.each(serviceFolders)('%s is built from its own Dockerfile target, a production runtime stage', (name) => {
    const build = services[name]!.build;
    expect(build).toBeDefined();
    expect(build.context ?? '.').toMatch(/^\.\/?$/);
    expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(build.target).toBe(name);

    const chain = stageChain(name);
    expect(chain.map((s) => s.name)).toContain(name); // a `FROM ... AS <name>` stage exists
    expect(chain[0]!.base).toBe('node:24-bookworm-slim');
    const own = stages.get(name)!.instructions;
    const all = chain.flatMap((s) => s.instructions);
    // production dependencies of this service only
    const install = all.find((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args))?.args ?? '';
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(new RegExp(`--workspace[ =]${name}\\b`));
    expect(all.some((i) => i.op === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))).toBe(true);
    // its compiled code (with the generated Prisma client) and the migrations it applies at start-up
    const copies = own.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(expect.stringMatching(new RegExp(`--from=build\\s+/app/${name}/dist\\s`)));
    expect(copies).toContainEqual(expect.stringMatching(new RegExp(`/app/${name}/prisma/migrations\\s`)));
    for (const lib of ['service-kit', 'workspace-rules', 'booking-events']) {
      expect(copies).toContainEqual(expect.stringMatching(new RegExp(`/app/libs/${lib}/dist\\s`)));
    }
    // runs as the unprivileged node user, from the service folder
    expect(own.some((i) => i.op === 'USER' && i.args === 'node')).toBe(true);
    expect(lastArgs(chain, 'USER')).toBe('node');
    expect(lastArgs(chain, 'WORKDIR')).toBe(`/app/${name}`);
    expect(lastArgs(chain, 'EXPOSE')?.split(/\s+/)).toContain(String(configPort(name)));
    const healthcheck = lastArgs(chain, 'HEALTHCHECK') ?? '';
    expect(healthcheck).toContain(`fetch('http://127.0.0.1:${configPort(name)}/health/ready')`);
    expect(JSON.parse(lastArgs(chain, 'CMD') ?? 'null')).toEqual(['node', 'dist/main.js']);
  });

  it('builds every lib and service once, from the manifests of every workspace', () => {
    const workspaces: string[] = JSON.parse(read('package.json')).workspaces;
    const build = stages.get('build');
    expect(build).toBeDefined();
    const copies = build!.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    const runtimeCopies = stageChain(serviceFolders[0]!)
      .flatMap((s) => s.instructions)
      .filter((i) => i.op === 'COPY')
      .map((i) => i.args);
    // npm ci checks the lockfile against every workspace's package.json
    for (const ws of workspaces) {
      expect(copies).toContain(`${ws}/package.json ${ws}/`);
      expect(runtimeCopies).toContain(`${ws}/package.json ${ws}/`);
    }
    const runs = build!.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /npm run generate/.test(r))).toBe(true);
    const buildRun = runs.find((r) => /npm run build/.test(r)) ?? '';
    for (const pkg of [...workspaces.filter((ws) => ws.startsWith('libs/')), ...serviceFolders]) {
      expect(buildRun).toMatch(new RegExp(`(^|\\s)${pkg}(\\s|;|$)`));
    }
    const ignore = read('.dockerignore').split(/\r?\n/);
    for (const entry of ['node_modules', 'dist', '.data', '.run', '.tools', 'src/generated', '.git']) {
      expect(ignore.some((line) => line === entry || line === `**/${entry}`)).toBe(true);
    }
  });

  it('gives every service its own database and role, created by the init script', () => {
    const postgres = services.postgres!;
    const volumes: string[] = (postgres.volumes ?? []).map(String);
    expect(volumes).toContainEqual(
      expect.stringMatching(/^\.\/docker\/postgres\/init\.sh:\/docker-entrypoint-initdb\.d\/[\w.-]+\.sh(:ro)?$/),
    );
    expect(initScript).toMatch(/REVOKE CONNECT/);
    const postgresEnv = environment(postgres);
    const used = new Map<string, string>();
    for (const name of serviceFolders) {
      const url = new URL(environment(services[name]!).DATABASE_URL ?? 'missing:');
      expect(url.protocol).toMatch(/^postgres(ql)?:$/);
      expect(url.hostname).toBe('postgres');
      expect(url.port || '5432').toBe('5432');
      const database = decodeURIComponent(url.pathname.slice(1));
      const role = decodeURIComponent(url.username);
      expect(role).toBe(database); // one role per database, named the same
      expect(initDatabases.has(database)).toBe(true);
      // the password the service uses is the one the init script gives its role
      expect(decodeURIComponent(url.password)).toBe(postgresEnv[initDatabases.get(database)!]);
      expect(used.get(database)).toBeUndefined(); // no two services share a database
      used.set(database, name);
    }
    expect([...used.keys()].sort()).toEqual([...initDatabases.keys()].sort());
  });

  it.each(serviceFolders)('%s sets only variables its .env.example documents', (name) => {
    const documented = documentedVariables(name);
    const kit = kitVariables();
    const undocumented = Object.keys(environment(services[name]!)).filter((v) => !documented.has(v) && !kit.has(v));
    expect(undocumented).toEqual([]);
    // a default that points at localhost would point at the container itself
    const localDefaults = [...exampleDefaults(name)]
      .filter(([, value]) => /localhost|127\.0\.0\.1/.test(value))
      .map(([variable]) => variable);
    const env = environment(services[name]!);
    expect(localDefaults.filter((v) => env[v] === undefined)).toEqual([]);
    expect(Object.entries(env).filter(([, value]) => /localhost|127\.0\.0\.1/.test(value))).toEqual([]);
  });

  it.each(serviceFolders)('%s points every URL at a compose service and its port', (name) => {
    const env = environment(services[name]!);
    expect(env.AUTH_JWKS_URL).toBe(`http://auth-service:${configPort('auth-service')}/.well-known/jwks.json`);
    for (const [variable, value] of Object.entries(env)) {
      for (const entry of value.split(',').map((s) => s.trim())) {
        // `name=url` lists (EVENT_SUBSCRIBERS, AUDIT_SOURCES) name the service they point at
        const named = /^([a-z][a-z0-9-]*)=([a-z][a-z0-9+.-]*:\/\/.*)$/i.exec(entry);
        const text = named ? named[2]! : entry;
        if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) continue;
        const url = new URL(text);
        const where = `${variable}=${url.protocol}//${url.host}`;
        expect({ where, service: services[url.hostname] ? url.hostname : 'not a compose service' }).toEqual({
          where,
          service: url.hostname,
        });
        expect({ where, port: url.port }).toEqual({ where, port: expect.stringMatching(/^\d+$/) });
        expect({ where, ports: containerPorts(url.hostname) }).toEqual({
          where,
          ports: expect.arrayContaining([Number(url.port)]),
        });
        if (named) expect({ where, name: named[1] }).toEqual({ where, name: url.hostname });
      }
      // NAME_HOST / NAME_PORT pairs (SMTP) name a compose service and one of its ports
      if (/_HOST$/.test(variable) && variable !== 'HOST') {
        expect(services[value]).toBeDefined();
        const port = env[variable.replace(/_HOST$/, '_PORT')];
        if (port !== undefined) expect(containerPorts(value)).toContain(Number(port));
      }
    }
  });

  it('sends booking events to notification-service and reporting-service, and mail to mailpit', () => {
    const booking = environment(services['booking-service']!);
    expect(booking.EVENT_SUBSCRIBERS).toBe(
      'notification-service=http://notification-service:3005,reporting-service=http://reporting-service:3006',
    );
    expect(booking.ADMIN_SERVICE_URL).toBe('http://admin-service:3007');
    const notification = environment(services['notification-service']!);
    expect(notification.SMTP_HOST).toBe('mailpit');
    expect(notification.SMTP_PORT).toBe('1025');
    expect(publishedPorts(services.mailpit!).map((p) => p.container)).toEqual(expect.arrayContaining([1025, 8025]));
    const sources = environment(services['admin-service']!).AUDIT_SOURCES!.split(',');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toMatch(/^([a-z-]+)=http:\/\/\1:\d+$/);
  });

  it('registers every service client at auth-service with the secret that service uses', () => {
    const clients = new Map(
      environment(services['auth-service']!)
        .SERVICE_CLIENTS!.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)] as const),
    );
    for (const name of serviceFolders) {
      const env = environment(services[name]!);
      expect(env.SERVICE_CLIENT_ID).toBe(name);
      expect(env.SERVICE_CLIENT_SECRET!.length).toBeGreaterThanOrEqual(16);
      expect({ name, secret: clients.get(name) }).toEqual({ name, secret: env.SERVICE_CLIENT_SECRET });
    }
    expect([...clients.keys()].sort()).toEqual(serviceFolders);
    const auth = environment(services['auth-service']!);
    expect(auth.ADMIN_EMAIL).toMatch(/@/);
    expect(auth.ADMIN_PASSWORD!.length).toBeGreaterThanOrEqual(8);
  });

  it('takes every secret from the environment, with development-only defaults', () => {
    // in the file as written (before interpolation), secrets are never literal
    for (const [name, service] of Object.entries(raw.services)) {
      const env = service.environment ?? {};
      for (const [variable, value] of Object.entries(env)) {
        if (/SECRET|PASSWORD|PRIVATE_KEY|SERVICE_CLIENTS/.test(variable)) {
          expect({ name, variable, value }).toEqual({ name, variable, value: expect.stringContaining('${') });
        }
      }
    }
    for (const [, variable, fallback] of composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*):?-([^}]*)\}/g)) {
      if (/SECRET|PASSWORD|PRIVATE_KEY/.test(variable!)) {
        expect({ variable, fallback }).toEqual({ variable, fallback: expect.stringMatching(/^(dev-only-.*)?$/) });
      }
    }
  });

  it('starts each service after what it needs is healthy, and restarts it unless stopped', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
      const test = service.healthcheck?.test;
      expect({ name, healthcheck: Array.isArray(test) ? test.length > 1 : typeof test === 'string' }).toEqual({
        name,
        healthcheck: true,
      });
      expect(service.healthcheck?.disable).not.toBe(true);
      for (const [dependency, { condition }] of Object.entries(dependsOn(service))) {
        expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
      }
    }
    for (const name of serviceFolders) {
      const deps = Object.keys(dependsOn(services[name]!));
      expect(deps).toContain('postgres');
      if (name !== 'auth-service') expect(deps).toContain('auth-service');
      const test = [services[name]!.healthcheck.test].flat().join(' ');
      expect(test).toContain(`http://127.0.0.1:${configPort(name)}/health/ready`);
    }
  });

  it('is valid for docker-compose (when it is installed)', () => {
    const found = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
    if (found.status !== 0) {
      log('docker-compose is not installed: skipped `docker-compose config -q`');
    } else {
      const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
      log(`${found.stdout.trim()} config -q: valid`);
    }
    // Compose v2 too, where the docker CLI has the plugin (config needs no engine)
    const v2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (v2.status === 0) {
      const result = spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
      log('docker compose config -q: valid');
    } else {
      log('the docker compose plugin is not installed: skipped `docker compose config -q`');
    }
  });
});
