import { ApiProblem, Public } from '@cowork/service-kit';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ServiceTokensService } from './service-tokens.service.js';

export class ServiceTokenRequestDto {
  @ApiProperty({ example: 'booking-service' })
  @IsString()
  @Length(1, 100)
  clientId: string;

  @ApiProperty()
  @IsString()
  @Length(1, 500)
  clientSecret: string;
}

export class ServiceTokenDto {
  @ApiProperty()
  accessToken: string;
  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';
  @ApiProperty({ example: 300 })
  expiresIn: number;
}

@ApiTags('service tokens')
@Controller('auth')
export class ServiceTokensController {
  constructor(private readonly serviceTokens: ServiceTokensService) {}

  @Public()
  @Post('service-token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Client credentials: a short-lived service token for internal endpoints',
    description: 'Clients are configured in SERVICE_CLIENTS. Safe to retry: each call issues a fresh token.',
  })
  @ApiOkResponse({ type: ServiceTokenDto })
  @ApiProblem(401, 'Unknown client or wrong secret (INVALID_CLIENT)')
  issue(@Body() body: ServiceTokenRequestDto): Promise<ServiceTokenDto> {
    return this.serviceTokens.issue(body.clientId, body.clientSecret);
  }
}
