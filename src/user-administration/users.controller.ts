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
import { currentTenantId } from '../common/request-context';
import { Caller, RequireElevated, RequirePermission } from '../access/decorators';
import { MfaEnrollment } from '../mfa/mfa-enrollment.service';
import { SessionsService } from '../sessions/sessions.service';
import { PrincipalAccess } from '../rbac/principal-access.service';
import {
  CreateUserDto,
  ListUsersQuery,
  UpdateUserDto,
  UserDto,
  UserPageDto,
} from '../identity/dto/user.dto';
import { UsersService } from '../identity/users.service';

const uuid = new UuidParamPipe();

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly principals: PrincipalAccess,
    private readonly mfa: MfaEnrollment,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @RequirePermission('user:create', 'user')
  @ApiOperation({ summary: 'Create a user in the current tenant' })
  @ApiCreatedResponse({ type: UserDto })
  async create(@Body() body: CreateUserDto): Promise<UserDto> {
    return UserDto.from(
      await this.users.create(currentTenantId(), {
        email: body.email,
        displayName: body.display_name,
        password: body.password,
      }),
    );
  }

  @Audit({ resource: 'user' })
  @Get()
  @RequirePermission('user:read', 'user')
  @ApiOperation({ summary: "List the tenant's users" })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() query: ListUsersQuery): Promise<UserPageDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.users.list(currentTenantId(), limit, offset);
    return { items: page.items.map(UserDto.from), total: page.total, limit, offset };
  }

  @Audit({ resource: 'user' })
  @Get(':id')
  @RequirePermission('user:read', 'user', 'id')
  @ApiOperation({ summary: 'A user' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'No such user in this tenant' })
  async get(@Param('id', uuid) id: string): Promise<UserDto> {
    return UserDto.from(await this.users.get(currentTenantId(), id));
  }

  @Patch(':id')
  @RequirePermission('user:update', 'user', 'id')
  @ApiOperation({
    summary: 'Change display name, status or password (a new password clears a lock)',
    description:
      "A new password or a disable ends the user's sessions (a password you change for " +
      'yourself keeps the session you change it in); the API keys of a disabled user stop working. ' +
      'Only for a user who holds no permission you do not hold (otherwise 403).',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiForbiddenResponse({ description: 'The user holds permissions you do not hold' })
  @ApiNotFoundResponse({ description: 'No such user in this tenant' })
  async update(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    const tenantId = currentTenantId();
    await this.principals.requireUser(caller, tenantId, id);
    const ownSession = caller.userId === id ? caller.principal.sessionId : undefined;
    return UserDto.from(
      await this.users.update(
        tenantId,
        id,
        { displayName: body.display_name, status: body.status, password: body.password },
        ownSession,
      ),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('user:delete', 'user', 'id')
  @ApiOperation({
    summary: 'Delete a user with their sessions, keys and role assignments',
    description: 'Only a user who holds no permission you do not hold (otherwise 403).',
  })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'The user holds permissions you do not hold' })
  @ApiNotFoundResponse({ description: 'No such user in this tenant' })
  async delete(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<void> {
    const tenantId = currentTenantId();
    await this.principals.requireUser(caller, tenantId, id);
    await this.users.delete(tenantId, id);
  }

  @Post(':id/mfa/reset')
  @HttpCode(204)
  @RequirePermission('user:update', 'user', 'id')
  @RequireElevated()
  @ApiOperation({
    summary: "Reset a user's second factors (elevated sessions)",
    description:
      'Removes every second factor, backup code and trusted device of the user and ends ' +
      'their sessions; only for a user who holds no permission you do not hold.',
  })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'Not elevated, or the user holds permissions you do not' })
  async resetMfa(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<void> {
    const tenantId = currentTenantId();
    await this.principals.requireUser(caller, tenantId, id);
    await this.mfa.reset(tenantId, id, caller.userId);
    await this.sessions.endAllFor(tenantId, id, undefined, 'mfa-reset', caller.userId);
  }
}
