import { ApiProblem, Authenticated, CurrentPrincipal, Public } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthService } from './auth.service.js';
import { AuthSessionDto, LoginDto, MeDto, RefreshDto, RegisterDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @ApiOperation({
    summary: 'Create an account (and its profile in user-service) and sign in',
    description: 'Not idempotent: a retry after success answers 409 EMAIL_TAKEN; log in instead.',
  })
  @ApiCreatedResponse({ type: AuthSessionDto })
  @ApiProblem(409, 'The email is already registered (EMAIL_TAKEN)')
  @ApiProblem(503, 'user-service is unavailable; nothing was kept (DEPENDENCY_UNAVAILABLE)')
  register(@Body() body: RegisterDto): Promise<AuthSessionDto> {
    return this.auth.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Each success starts a new session (refresh-token family). Failed attempts are limited per account and per IP.',
  })
  @ApiOkResponse({ type: AuthSessionDto })
  @ApiProblem(401, 'Unknown email or wrong password, alike (INVALID_CREDENTIALS), or ACCOUNT_SUSPENDED')
  @ApiProblem(429, 'Too many failed attempts; see Retry-After (RATE_LIMITED)')
  @ApiProblem(503, 'user-service is unavailable (DEPENDENCY_UNAVAILABLE)')
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<AuthSessionDto> {
    return this.auth.login(body, request.ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new access token and a new refresh token',
    description:
      'Single use: presenting a refresh token a second time revokes every token of that login (reuse detection). ' +
      'On 503 the token was not consumed and may be retried.',
  })
  @ApiOkResponse({ type: AuthSessionDto })
  @ApiProblem(
    401,
    'Unknown, expired or revoked (INVALID_REFRESH_TOKEN), reused (REFRESH_TOKEN_REUSED) or ACCOUNT_SUSPENDED',
  )
  @ApiProblem(503, 'user-service is unavailable; the token is still valid (DEPENDENCY_UNAVAILABLE)')
  refresh(@Body() body: RefreshDto): Promise<AuthSessionDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the session the refresh token belongs to',
    description: 'Idempotent: an unknown or already revoked token also answers 204.',
  })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who the access token belongs to' })
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: UserPrincipal): Promise<MeDto> {
    const { id, email } = await this.auth.me(principal.userId);
    return { id, email, role: principal.role };
  }
}
