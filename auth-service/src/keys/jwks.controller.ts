import { Public } from '@cowork/service-kit';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SigningKeys } from './signing-keys.js';

@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access and service tokens (JWKS, ES256)' })
  @ApiOkResponse({
    schema: {
      example: { keys: [{ kty: 'EC', crv: 'P-256', x: '...', y: '...', kid: '...', alg: 'ES256', use: 'sig' }] },
    },
  })
  jwks() {
    return this.keys.jwks;
  }
}
