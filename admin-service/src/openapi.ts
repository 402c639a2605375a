import 'reflect-metadata';
import { writeServiceOpenApi } from '@cowork/service-kit';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import { adminServiceOptions } from './service.js';

await writeServiceOpenApi(AppModule, adminServiceOptions, fileURLToPath(new URL('../openapi.json', import.meta.url)));
