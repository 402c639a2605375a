import { ApiUuidParam, ServiceOnly, UuidParam } from '@cowork/service-kit';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from './auth.service.js';

@ApiTags('internal')
@Controller('internal/users')
export class InternalSessionsController {
  constructor(private readonly auth: AuthService) {}

  @Post(':id/revoke-sessions')
  @ServiceOnly()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke every refresh token of a user (on suspension)',
    description: 'Idempotent. Access tokens already issued stay valid until they expire (15 minutes at most).',
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ schema: { example: { revoked: 2 } } })
  async revoke(@UuidParam() id: string): Promise<{ revoked: number }> {
    return { revoked: await this.auth.revokeSessions(id) };
  }
}
