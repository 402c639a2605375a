import type { OpenAPIObject } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import { serializeOpenApi } from '../bootstrap/openapi.js';

/**
 * Compares the document the code produces with the committed `<service>/openapi.json`.
 * Returns undefined when they agree, else a message saying how to regenerate.
 */
export function openApiDrift(document: OpenAPIObject, committedFile: string): string | undefined {
  const generated = serializeOpenApi(document);
  if (!existsSync(committedFile)) return `${committedFile} is missing; run \`npm run openapi\` in the service folder`;
  const committed = readFileSync(committedFile, 'utf8');
  if (committed === generated) return undefined;
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  return (
    `${committedFile} differs from the code at line ${line + 1}:\n  committed: ${a[line]?.trim()}\n  generated: ${b[line]?.trim()}\n` +
    'run `npm run build && npm run openapi` in the service folder and commit the result'
  );
}
