import { ApiProblem, ApiUuidParam, CurrentPrincipal, Page, Public, Roles, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateWorkspaceDto, ListWorkspacesQuery, UpdateWorkspaceDto } from './dto/workspace-requests.dto.js';
import { WorkspaceDto, WorkspacePageDto } from './dto/workspace.dto.js';
import { WorkspacesService } from './workspaces.service.js';

const ApiWorkspaceIdParam = () => ApiUuidParam('id', 'The workspace id');

const NOT_FOUND = 'No workspace with this id (WORKSPACE_NOT_FOUND)';

@ApiTags('workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Create a workspace (admin)',
    description:
      'Not idempotent: a retry after a lost response creates a second workspace (look for it with ' +
      '`GET /workspaces` before retrying). Defaults: no description, open at all times, ' +
      'minBookingMinutes 30, maxBookingMinutes 1440, active. Every invalid field is a 400 ' +
      'VALIDATION_FAILED naming it (`timezone`, `capacity`, `openingHours[1].close`, `openingHours[2]`, ...). ' +
      'Recorded in the audit trail (workspace.created).',
  })
  @ApiCreatedResponse({ type: WorkspaceDto, description: 'Created, at version 1' })
  create(@CurrentPrincipal() admin: UserPrincipal, @Body() body: CreateWorkspaceDto): Promise<WorkspaceDto> {
    return this.workspaces.create(body, admin.userId);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List workspaces, newest first (public)',
    description:
      "Keyset-paginated: `limit` (default 20, at most 100) and the previous page's `nextCursor`. " +
      'Only active workspaces unless `active=false`, which lists the deactivated ones instead.',
  })
  @ApiOkResponse({ type: WorkspacePageDto })
  list(@Query() query: ListWorkspacesQuery): Promise<Page<WorkspaceDto>> {
    return this.workspaces.list(query);
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: 'One workspace with its booking rules (public)',
    description: 'Deactivated workspaces are returned too, with `active: false`.',
  })
  @ApiWorkspaceIdParam()
  @ApiOkResponse({ type: WorkspaceDto })
  @ApiProblem(404, NOT_FOUND)
  get(@UuidParam() id: string): Promise<WorkspaceDto> {
    return this.workspaces.get(id);
  }

  @Patch(':id')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Change any fields of a workspace except `active` (admin)',
    description:
      'Fields left out keep their value; `description` and `openingHours` may be set to null. The merged ' +
      'workspace is validated as a whole (e.g. `maxBookingMinutes` against the stored `minBookingMinutes`). ' +
      'Each change increments `version`. Idempotent: a retry (or any patch that changes nothing) writes ' +
      'nothing and answers the workspace as it is, version unchanged. A change is recorded in the audit trail ' +
      '(workspace.updated, the changed fields before and after); a patch that changes nothing is not. ' +
      'Existing bookings are not re-checked. ' +
      '409 WORKSPACE_UPDATE_CONFLICT only if concurrent changes kept winning; retrying is safe.',
  })
  @ApiWorkspaceIdParam()
  @ApiOkResponse({ type: WorkspaceDto })
  @ApiProblem(404, NOT_FOUND)
  @ApiProblem(409, 'Changed concurrently too often; retry (WORKSPACE_UPDATE_CONFLICT)')
  update(
    @CurrentPrincipal() admin: UserPrincipal,
    @UuidParam() id: string,
    @Body() body: UpdateWorkspaceDto,
  ): Promise<WorkspaceDto> {
    return this.workspaces.update(id, body, admin.userId);
  }

  @Post(':id/deactivate')
  @Roles('ADMIN')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a workspace taking new bookings (admin)',
    description:
      'Existing bookings stay. Idempotent: deactivating an inactive workspace (a retry) answers 200 with ' +
      'it unchanged, version included, and is not audited again (workspace.deactivated is recorded once).',
  })
  @ApiWorkspaceIdParam()
  @ApiOkResponse({ type: WorkspaceDto })
  @ApiProblem(404, NOT_FOUND)
  deactivate(@CurrentPrincipal() admin: UserPrincipal, @UuidParam() id: string): Promise<WorkspaceDto> {
    return this.workspaces.setActive(id, false, admin.userId);
  }

  @Post(':id/activate')
  @Roles('ADMIN')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Let a deactivated workspace take bookings again (admin)',
    description:
      'Idempotent: activating an active workspace (a retry) answers 200 with it unchanged, version included, ' +
      'and is not audited again (workspace.activated is recorded once).',
  })
  @ApiWorkspaceIdParam()
  @ApiOkResponse({ type: WorkspaceDto })
  @ApiProblem(404, NOT_FOUND)
  activate(@CurrentPrincipal() admin: UserPrincipal, @UuidParam() id: string): Promise<WorkspaceDto> {
    return this.workspaces.setActive(id, true, admin.userId);
  }
}
