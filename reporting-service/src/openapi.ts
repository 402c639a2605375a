import 'reflect-metadata';
import { writeServiceOpenApi } from '@cowork/service-kit';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import { reportingServiceOptions } from './service.js';

await writeServiceOpenApi(
  AppModule,
  reportingServiceOptions,
  fileURLToPath(new URL('../openapi.json', import.meta.url)),
);
