import 'reflect-metadata';
import { runService } from '@cowork/service-kit';
import { AppModule } from './app.module.js';
import { adminServiceOptions } from './service.js';

await runService(AppModule, adminServiceOptions);
