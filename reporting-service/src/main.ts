import 'reflect-metadata';
import { runService } from '@cowork/service-kit';
import { AppModule } from './app.module.js';
import { reportingServiceOptions } from './service.js';

await runService(AppModule, reportingServiceOptions);
