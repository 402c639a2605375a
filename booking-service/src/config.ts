import { BaseServiceConfig } from '@cowork/service-kit';
import { IsUrl } from 'class-validator';

export class BookingServiceConfig extends BaseServiceConfig {
  override PORT = 3003;

  @IsUrl({ require_tld: false, require_protocol: true })
  USER_SERVICE_URL = 'http://localhost:3001';

  @IsUrl({ require_tld: false, require_protocol: true })
  WORKSPACE_SERVICE_URL = 'http://localhost:3002';
}
