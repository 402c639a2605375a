import {
  ApiProblem,
  Authenticated,
  CurrentPrincipal,
  Page,
  Roles,
  UsersOrServices,
  ApiUuidParam,
  UuidParam,
} from '@cowork/service-kit';
import type { Principal, UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChangeRoleDto, ChangeStatusDto, ListUsersQuery, UpdateMyProfileDto } from './dto/user-requests.dto.js';
import { UserDto, UserPageDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: "The signed-in user's profile" })
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(403, 'Service tokens have no profile (FORBIDDEN)')
  @ApiProblem(404, 'No profile for this user (USER_NOT_FOUND)')
  me(@CurrentPrincipal() principal: UserPrincipal): Promise<UserDto> {
    return this.users.get(principal.userId);
  }

  @Patch('me')
  @Authenticated()
  @ApiOperation({ summary: "Change the signed-in user's full name. Idempotent: repeating it changes nothing more." })
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(403, 'Service tokens have no profile (FORBIDDEN)')
  @ApiProblem(404, 'No profile for this user (USER_NOT_FOUND)')
  updateMe(@CurrentPrincipal() principal: UserPrincipal, @Body() body: UpdateMyProfileDto): Promise<UserDto> {
    return this.users.updateFullName(principal.userId, body.fullName);
  }

  @Get()
  @Roles('ADMIN')
  @ApiOperation({ summary: 'List and search users (admin), newest first' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQuery): Promise<Page<UserDto>> {
    return this.users.list(query);
  }

  @Get(':id')
  @UsersOrServices()
  @ApiOperation({ summary: 'One profile: the user themself, an admin, or a service token' })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404, 'No such user, or not yours to see (USER_NOT_FOUND)')
  get(@CurrentPrincipal() principal: Principal, @UuidParam() id: string): Promise<UserDto> {
    return this.users.getAs(principal, id);
  }

  @Patch(':id/role')
  @Roles('ADMIN')
  @ApiOperation({
    summary:
      "Set a user's role (admin). Idempotent: a retry changes nothing and is audited once. The last active admin cannot be demoted.",
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404, 'No such user (USER_NOT_FOUND)')
  @ApiProblem(409, 'Would leave the platform without an active admin (LAST_ADMIN)')
  changeRole(
    @CurrentPrincipal() admin: UserPrincipal,
    @UuidParam() id: string,
    @Body() body: ChangeRoleDto,
  ): Promise<UserDto> {
    return this.users.changeRole(id, body.role, admin.userId);
  }

  @Patch(':id/status')
  @Roles('ADMIN')
  @ApiOperation({
    summary:
      'Suspend or reactivate a user (admin). Idempotent. A suspended user cannot log in or refresh; ' +
      'access tokens already issued stay valid until they expire (15 minutes at most).',
  })
  @ApiUuidParam('id', 'The user id')
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404, 'No such user (USER_NOT_FOUND)')
  @ApiProblem(409, 'Would leave the platform without an active admin (LAST_ADMIN)')
  changeStatus(
    @CurrentPrincipal() admin: UserPrincipal,
    @UuidParam() id: string,
    @Body() body: ChangeStatusDto,
  ): Promise<UserDto> {
    return this.users.changeStatus(id, body.status, admin.userId);
  }
}
