import { ApiProblem, ApiUuidParam, CurrentPrincipal, Roles, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BearerToken } from '../auth/bearer-token.decorator.js';
import { AdminUserPageDto, SuspensionDto, UserDto } from './dto/user.dto.js';
import { ListUsersQuery } from './dto/user-requests.dto.js';
import { UsersService } from './users.service.js';

const USER_SERVICE_DOWN =
  'user-service is down, slow or its circuit is open (DEPENDENCY_UNAVAILABLE, Retry-After); nothing was changed';
const NOT_FOUND = 'No such user (USER_NOT_FOUND)';
const ON_BEHALF =
  "Made in user-service with the admin's own token: user-service records the change in its audit trail with " +
  'this admin as the actor, and it reaches GET /admin/audit through the collector.';

@ApiTags('admin: users')
@Controller('admin/users')
@Roles('ADMIN')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    summary: "List and search users (user-service's page), each with their booking count",
    description:
      'Newest first, `{items, nextCursor, missing}`. The booking counts come from one booking-service call per ' +
      'page; if booking-service cannot answer, the page is still served with `bookingCount: null` on every item ' +
      'and `missing: ["booking-service"]`. If user-service cannot answer, 503.',
  })
  @ApiOkResponse({ type: AdminUserPageDto })
  @ApiProblem(503, 'user-service is down, slow or its circuit is open (DEPENDENCY_UNAVAILABLE, Retry-After)')
  list(@Query() query: ListUsersQuery, @BearerToken() token: string): Promise<AdminUserPageDto> {
    return this.users.list(query, token);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Suspend a user and revoke their sessions',
    description:
      'Sets the status SUSPENDED in user-service, then has auth-service revoke every refresh token of the user; ' +
      'answers the user and how many sessions were revoked. What it does to the user: their next refresh is ' +
      'refused at once (auth-service checks the status at every refresh, and the sessions are revoked anyway); ' +
      'an access token they already hold keeps working for read endpoints until it expires, at most 15 minutes; ' +
      'creating a booking is refused at once (booking-service checks the status with user-service on every ' +
      'create). Retry: suspending a suspended user answers 200 again and revokes again (0 sessions, harmless). ' +
      'If auth-service fails after the status changed, the answer is 503 DEPENDENCY_UNAVAILABLE saying that the ' +
      'user IS suspended but the sessions are not revoked yet: retrying the request completes it. An admin cannot ' +
      `suspend themself (409 CANNOT_SUSPEND_SELF). ${ON_BEHALF}`,
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: SuspensionDto })
  @ApiProblem(404, NOT_FOUND)
  @ApiProblem(
    409,
    'The admin named themself (CANNOT_SUSPEND_SELF), or the user is the last active admin (LAST_ADMIN); nothing changed',
  )
  @ApiProblem(
    503,
    'user-service is unavailable: nothing changed (DEPENDENCY_UNAVAILABLE); or auth-service is unavailable after the ' +
      'suspension: the user is suspended, sessions not yet revoked (DEPENDENCY_UNAVAILABLE with userStatus ' +
      'SUSPENDED and sessionsRevoked false). Either way, retry the same request',
  )
  suspend(
    @CurrentPrincipal() admin: UserPrincipal,
    @UuidParam() id: string,
    @BearerToken() token: string,
  ): Promise<SuspensionDto> {
    return this.users.suspend(admin, id, token);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reactivate a suspended user',
    description:
      'Sets the status ACTIVE in user-service; the user can log in again (their old sessions stay revoked). ' +
      `Retry: idempotent, reactivating an active user answers 200 with the same user. ${ON_BEHALF}`,
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404, NOT_FOUND)
  @ApiProblem(503, USER_SERVICE_DOWN)
  reactivate(@UuidParam() id: string, @BearerToken() token: string): Promise<UserDto> {
    return this.users.reactivate(id, token);
  }

  @Post(':id/promote')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a user an admin',
    description:
      'Sets the role ADMIN in user-service; it reaches the user’s token at their next refresh. Retry: idempotent, ' +
      `promoting an admin answers 200 with the same user. ${ON_BEHALF}`,
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404, NOT_FOUND)
  @ApiProblem(503, USER_SERVICE_DOWN)
  promote(@UuidParam() id: string, @BearerToken() token: string): Promise<UserDto> {
    return this.users.promote(id, token);
  }

  @Post(':id/demote')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make an admin a member',
    description:
      'Sets the role MEMBER in user-service; it reaches the user’s token at their next refresh. The last active ' +
      'admin cannot be demoted (409 LAST_ADMIN, from user-service). Retry: idempotent, demoting a member answers ' +
      `200 with the same user. ${ON_BEHALF}`,
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404, NOT_FOUND)
  @ApiProblem(409, 'The user is the last active admin (LAST_ADMIN); nothing changed')
  @ApiProblem(503, USER_SERVICE_DOWN)
  demote(@UuidParam() id: string, @BearerToken() token: string): Promise<UserDto> {
    return this.users.demote(id, token);
  }
}
