import { ServerProcess } from '@cowork/service-kit/testing';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { freePort } from '@cowork/service-kit/testing';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOG_DIR = join(REPO_ROOT, '.run', 'e2e-logs');

/** One service as a real process in its folder, in test mode, logging to .run/e2e-logs. */
export class ServiceProcess extends ServerProcess {
  constructor(name: string, port: number, env: Record<string, string>) {
    super(name, port, {
      cwd: join(REPO_ROOT, name),
      env: { NODE_ENV: 'test', LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn', ...env },
      logFile: join(LOG_DIR, `${name}-${port}.log`),
    });
  }
}
