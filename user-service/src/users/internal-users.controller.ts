import { ApiProblem, ServiceOnly, ApiUuidParam, UuidParam } from '@cowork/service-kit';
import { Body, Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateProfileDto } from './dto/user-requests.dto.js';
import { UserDto, UserStatsDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

/** Called by other services only (service tokens): auth-service, admin-service. */
@ApiTags('internal')
@Controller('internal/users')
export class InternalUsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ServiceOnly()
  @ApiOperation({
    summary: 'Create the profile of a newly registered user',
    description: 'Idempotent on `id`: a retry with the same id and email answers 200 with the existing profile.',
  })
  @ApiCreatedResponse({ type: UserDto, description: 'Created' })
  @ApiOkResponse({ type: UserDto, description: 'Already existed (a retry)' })
  @ApiProblem(409, 'The email belongs to another profile (EMAIL_TAKEN)')
  async create(@Body() body: CreateProfileDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserDto> {
    const { user, created } = await this.users.createProfile(body);
    void reply.status(created ? 201 : 200);
    return user;
  }

  @Get('stats')
  @ServiceOnly()
  @ApiOperation({ summary: 'How many users there are, by role and by status (admin-service dashboard)' })
  @ApiOkResponse({ type: UserStatsDto })
  stats(): Promise<UserStatsDto> {
    return this.users.stats();
  }

  @Delete(':id')
  @ServiceOnly()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a profile whose registration failed (compensation)',
    description: 'Idempotent: deleting a profile that does not exist also answers 204.',
  })
  @ApiUuidParam('id', 'The user id')
  @ApiNoContentResponse()
  async remove(@UuidParam() id: string): Promise<void> {
    await this.users.deleteProfile(id);
  }
}
