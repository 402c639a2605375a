import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { freePort, ServerProcess } from '@cowork/service-kit/testing';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_ROOT = join(REPO_ROOT, 'bench');
export const LOG_DIR = join(REPO_ROOT, '.run', 'bench-logs');
