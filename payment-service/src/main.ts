import 'reflect-metadata';
import { runService } from '@cowork/service-kit';
import { AppModule } from './app.module.js';
import { paymentServiceOptions } from './service.js';

await runService(AppModule, paymentServiceOptions);
