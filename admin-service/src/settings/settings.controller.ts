import { ApiProblem, CurrentPrincipal, Roles, ServiceOnly } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Get, Headers, Patch, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { InternalSettingsDto, SettingsDto, UpdateSettingsDto } from './dto/settings.dto.js';
import { etagOf, SettingsService } from './settings.service.js';

const ETAG = {
  ETag: { description: 'The version in quotes, e.g. "3": send it back as If-Match', schema: { type: 'string' } },
};

@ApiTags('admin: settings')
@Controller('admin/settings')
@Roles('ADMIN')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'The platform settings in force, with their version' })
  @ApiOkResponse({ type: SettingsDto, headers: ETAG })
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<SettingsDto> {
    const current = await this.settings.current();
    void reply.header('etag', etagOf(current.version));
    return SettingsDto.from(current);
  }

  @Patch()
  @ApiOperation({
    summary: 'Change the platform settings',
    description:
      'Send one or both fields; the others keep their values. A change makes a new version (version + 1) and an ' +
      'audit entry (settings.updated, with the values before and after) in one transaction. booking-service reads ' +
      'the settings from GET /internal/settings and caches them a few seconds, so a change applies to bookings ' +
      'within seconds. Retry: harmless. Values that already hold change nothing and answer the current version ' +
      'without a new one, whatever If-Match says (nothing would be overwritten), so repeating a change that went ' +
      'through answers the same version again. If-Match (optional): the version the change is based on; when ' +
      'another admin changed the settings since, 412 SETTINGS_VERSION_MISMATCH and nothing changes.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag of the version read, e.g. "3" (or *); stale: 412 SETTINGS_VERSION_MISMATCH',
  })
  @ApiOkResponse({ type: SettingsDto, headers: ETAG })
  @ApiProblem(
    412,
    'If-Match names a version that is no longer in force (SETTINGS_VERSION_MISMATCH, with expectedVersion and ' +
      'currentVersion); nothing changed',
  )
  async update(
    @CurrentPrincipal() admin: UserPrincipal,
    @Body() body: UpdateSettingsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SettingsDto> {
    const version = await this.settings.update(admin, body, ifMatch);
    void reply.header('etag', etagOf(version.version));
    return SettingsDto.from(version);
  }
}

/** booking-service reads the settings in force (and caches them a few seconds). */
@ApiTags('internal')
@Controller('internal/settings')
export class InternalSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ServiceOnly()
  @ApiOperation({ summary: 'The platform settings in force (service tokens)' })
  @ApiOkResponse({ type: InternalSettingsDto, headers: ETAG })
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<InternalSettingsDto> {
    const current = await this.settings.current();
    void reply.header('etag', etagOf(current.version));
    return InternalSettingsDto.from(current);
  }
}
