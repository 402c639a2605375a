import { HttpModule } from '@nestjs/axios';
import { Global, Module } from '@nestjs/common';
import { ServiceClientFactory } from './service-client.js';

@Global()
@Module({
  imports: [HttpModule.register({ maxRedirects: 0 })],
  providers: [ServiceClientFactory],
  exports: [ServiceClientFactory],
})
export class ServiceClientsModule {}
