import { Audit } from '../access/audit.decorator';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../access/access-context';
import { Caller, RequireElevated, RequirePermission } from '../access/decorators';
import {
  AssignmentDto,
  AssignmentListDto,
  CreateAssignmentDto,
  CreateRoleDto,
  ListAssignmentsQuery,
  PermissionListDto,
  RoleDto,
  RoleListDto,
  UpdateRoleDto,
} from './dto/role.dto';
import { PERMISSIONS, SCOPES } from './permissions';
import { PrincipalAccess } from './principal-access.service';
import { heldPermissions } from './principal-policy';
import { RbacService } from './rbac.service';

@ApiTags('roles')
@Controller('api/v1')
export class RolesController {
  constructor(
    private readonly rbac: RbacService,
    private readonly principals: PrincipalAccess,
  ) {}

  @Get('permissions')
  @RequirePermission('role:read', 'role')
  @ApiOperation({ summary: 'Every permission and API key scope' })
  @ApiOkResponse({ type: PermissionListDto })
  permissions(): PermissionListDto {
    return { permissions: [...PERMISSIONS], scopes: [...SCOPES] };
  }

  @Get('roles')
  @RequirePermission('role:read', 'role')
  @ApiOperation({ summary: "Built-in and the tenant's custom roles" })
  @ApiOkResponse({ type: RoleListDto })
  async list(@Caller() caller: AccessContext): Promise<RoleListDto> {
    return { items: (await this.rbac.listRoles(caller.tenantId)).map(RoleDto.from) };
  }

  @Get('roles/:name')
  @RequirePermission('role:read', 'role', 'name')
  @ApiOperation({ summary: 'A role' })
  @ApiOkResponse({ type: RoleDto })
  @ApiNotFoundResponse({ description: 'No such role in this tenant' })
  async get(@Caller() caller: AccessContext, @Param('name') name: string): Promise<RoleDto> {
    return RoleDto.from(await this.rbac.getRole(caller.tenantId, name));
  }

  @Audit({ category: 'AUTHORIZATION', resource: 'role' })
  @Post('roles')
  @RequirePermission('role:create', 'role')
  @RequireElevated()
  @ApiOperation({ summary: 'Create a custom role (only with permissions you hold)' })
  @ApiCreatedResponse({ type: RoleDto })
  async create(@Caller() caller: AccessContext, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return RoleDto.from(
      await this.rbac.createRole(
        caller.tenantId,
        {
          name: body.name,
          description: body.description,
          permissions: body.permissions,
          inherits: body.inherits ?? [],
        },
        heldPermissions(caller),
      ),
    );
  }

  @Audit({ category: 'AUTHORIZATION', resource: 'role' })
  @Patch('roles/:name')
  @RequirePermission('role:update', 'role', 'name')
  @RequireElevated()
  @ApiOperation({
    summary: 'Change a custom role',
    description: 'Only when you hold all it grants and everything each of its holders holds.',
  })
  @ApiForbiddenResponse({ description: 'A holder of the role holds permissions you do not hold' })
  @ApiOkResponse({ type: RoleDto })
  @ApiNotFoundResponse({ description: 'No such role in this tenant' })
  async update(
    @Caller() caller: AccessContext,
    @Param('name') name: string,
    @Body() body: UpdateRoleDto,
  ): Promise<RoleDto> {
    await this.principals.requireRoleHolders(caller, caller.tenantId, name);
    return RoleDto.from(
      await this.rbac.updateRole(caller.tenantId, name, body, heldPermissions(caller)),
    );
  }

  @Audit({ category: 'AUTHORIZATION', resource: 'role' })
  @Delete('roles/:name')
  @HttpCode(204)
  @RequirePermission('role:delete', 'role', 'name')
  @RequireElevated()
  @ApiOperation({
    summary: 'Delete a custom role and its assignments',
    description: 'Only when you hold all it grants and everything each of its holders holds.',
  })
  @ApiForbiddenResponse({ description: 'A holder of the role holds permissions you do not hold' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such role in this tenant' })
  async delete(@Caller() caller: AccessContext, @Param('name') name: string): Promise<void> {
    await this.principals.requireRoleHolders(caller, caller.tenantId, name);
    await this.rbac.deleteRole(caller.tenantId, name, heldPermissions(caller));
  }

  @Get('role-assignments')
  @RequirePermission('role:read', 'role-assignment')
  @ApiOperation({ summary: "The tenant's role assignments, optionally for one user" })
  @ApiOkResponse({ type: AssignmentListDto })
  async assignments(
    @Caller() caller: AccessContext,
    @Query() query: ListAssignmentsQuery,
  ): Promise<AssignmentListDto> {
    return {
      items: (await this.rbac.listAssignments(caller.tenantId, query.user_id)).map(
        AssignmentDto.from,
      ),
    };
  }

  @Audit({ category: 'AUTHORIZATION', resource: 'role-assignment' })
  @Post('role-assignments')
  @RequirePermission('role:assign', 'role-assignment')
  @RequireElevated()
  @ApiOperation({
    summary: 'Assign a role to a user of this tenant, optionally for a time window',
    description: 'Only to a user who holds no permission you do not hold (otherwise 403).',
  })
  @ApiCreatedResponse({ type: AssignmentDto })
  @ApiNotFoundResponse({ description: 'No such user in this tenant' })
  async assign(
    @Caller() caller: AccessContext,
    @Body() body: CreateAssignmentDto,
  ): Promise<AssignmentDto> {
    await this.principals.requireUser(caller, caller.tenantId, body.user_id);
    return AssignmentDto.from(
      await this.rbac.assign(
        caller.tenantId,
        {
          userId: body.user_id,
          role: body.role,
          validFrom: body.valid_from ? new Date(body.valid_from) : undefined,
          validUntil: body.valid_until ? new Date(body.valid_until) : undefined,
        },
        heldPermissions(caller),
        caller.userId,
      ),
    );
  }

  @Audit({ category: 'AUTHORIZATION', resource: 'role-assignment' })
  @Delete('role-assignments/:id')
  @HttpCode(204)
  @RequirePermission('role:assign', 'role-assignment', 'id')
  @RequireElevated()
  @ApiOperation({
    summary: "Revoke a role assignment; the user's sessions end",
    description: 'Only for a user who holds no permission you do not hold (otherwise 403).',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such assignment in this tenant' })
  async revoke(
    @Caller() caller: AccessContext,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    const assignment = await this.rbac.getAssignment(caller.tenantId, id);
    await this.principals.requireUser(caller, caller.tenantId, assignment.userId);
    await this.rbac.revokeAssignment(caller.tenantId, id, heldPermissions(caller));
  }
}
