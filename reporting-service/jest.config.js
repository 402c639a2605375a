import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const jestConfig = createRequire(import.meta.url)('../jest.preset.cjs');
export default jestConfig(dirname(fileURLToPath(import.meta.url)), { displayName: 'reporting-service' });
