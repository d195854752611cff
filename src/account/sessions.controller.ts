import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFound } from '#common';
import type { AccessContext } from '../access/access-context';
import { Authenticated, Caller, RequireAdmin, RequireSession } from '../access/decorators';
import { AccessDenied } from '../auth/auth-errors';
import { ADMIN_PERMISSION } from '../auth/access-policy';
import { SessionCookies } from '../auth/session-cookies';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PrincipalAccess } from '../rbac/principal-access.service';
import { heldPermissions } from '../rbac/principal-policy';
import { SessionsService, type SessionView } from '../sessions/sessions.service';
import {
  ElevateDto,
  ElevationCodeDto,
  LockDto,
  RevokedCountDto,
  SessionDto,
  SessionListDto,
  SessionQueryDto,
  SessionTokenDto,
} from './dto/session.dto';
import { CodeSentDto } from '../auth/dto/auth.dto';
import { Elevation } from './elevation.service';

/** A tenant administrator, as far as the caller's key or token scopes let them act as one. */
const isAdmin = (caller: AccessContext) => heldPermissions(caller).has(ADMIN_PERMISSION.tenant);

/**
 * A user's login sessions: list, end one or all others, re-authenticate (elevate), take a
 * new token. Administrators also see, end, lock and unlock the sessions of users whose
 * rights they hold.
 */
@ApiTags('sessions')
@Controller('api/v1/sessions')
export class SessionsController {
  private readonly cookies: SessionCookies;

  constructor(
    private readonly sessions: SessionsService,
    private readonly elevation: Elevation,
    private readonly principals: PrincipalAccess,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.SESSION_COOKIE_SECURE);
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: "My sessions, newest first; administrators may ask for another user's",
  })
  @ApiOkResponse({ type: SessionListDto })
  async list(
    @Caller() caller: AccessContext,
    @Query() query: SessionQueryDto,
  ): Promise<SessionListDto> {
    const userId = query.user_id ?? caller.userId;
    if (userId !== caller.userId) {
      this.requireAdmin(caller);
      await this.principals.requireUser(caller, caller.tenantId, userId);
    }
    const tenantId = userId === caller.userId ? caller.homeTenantId : caller.tenantId;
    return { items: (await this.sessions.list(tenantId, userId)).map((s) => this.dto(s, caller)) };
  }

  @Post('revoke-all')
  @HttpCode(200)
  @RequireSession()
  @ApiOperation({ summary: 'End every other session of mine; this one stays' })
  @ApiOkResponse({ type: RevokedCountDto })
  async revokeAll(@Caller() caller: AccessContext): Promise<RevokedCountDto> {
    const revoked = await this.sessions.endAllFor(
      caller.homeTenantId,
      caller.userId,
      caller.principal.sessionId,
      'revoke-all',
      caller.userId,
    );
    return { revoked };
  }

  @Post('current/elevate')
  @HttpCode(200)
  @RequireSession()
  @ApiOperation({
    summary: 'Elevate this session: confirm the password or a second factor',
    description:
      'Dangerous routes (role changes, key creation, tenant settings, MFA changes) need an ' +
      'elevated session. The session gets a new token; the old one stops working.',
  })
  @ApiOkResponse({ type: SessionTokenDto })
  async elevate(
    @Caller() caller: AccessContext,
    @Body() body: ElevateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionTokenDto> {
    const proof =
      body.method !== undefined
        ? { method: body.method, code: body.code ?? '' }
        : { password: body.password ?? '' };
    const elevated = await this.elevation.elevate(caller, proof);
    const session = await this.sessions.get(caller.homeTenantId, elevated.sessionId);
    this.cookies.setSession(res, elevated.token, session.expiresAt);
    return {
      token: elevated.token,
      session_id: elevated.sessionId,
      elevated_until: elevated.elevatedUntil.toISOString(),
    };
  }

  @Post('current/elevate/send-code')
  @HttpCode(202)
  @RequireSession()
  @ApiOperation({ summary: 'Send an elevation code to my enrolled phone or email address' })
  @ApiOkResponse({ type: CodeSentDto })
  async sendElevationCode(
    @Caller() caller: AccessContext,
    @Body() body: ElevationCodeDto,
  ): Promise<CodeSentDto> {
    const sent = await this.elevation.sendCode(caller, body.method);
    return CodeSentDto.from(sent);
  }

  @Post('current/rotate')
  @HttpCode(200)
  @RequireSession()
  @ApiOperation({ summary: 'Give this session a new token; the old one stops working' })
  @ApiOkResponse({ type: SessionTokenDto })
  async rotate(
    @Caller() caller: AccessContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionTokenDto> {
    const id = caller.principal.sessionId!;
    const token = await this.sessions.rotate({
      tenantId: caller.homeTenantId,
      userId: caller.userId,
      id,
    });
    const session = await this.sessions.get(caller.homeTenantId, id);
    this.cookies.setSession(res, token, session.expiresAt);
    return {
      token,
      session_id: id,
      elevated_until: session.elevatedUntil?.toISOString() ?? null,
    };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: "End a session: one of mine, or (administrators) another user's" })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: "Another user's session, without the rights" })
  async revoke(
    @Caller() caller: AccessContext,
    @Param('id', new UuidParamPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const session = await this.reachable(caller, id);
    await this.sessions.revoke(session.tenantId, id, 'revoked', caller.userId);
    if (id === caller.principal.sessionId) this.cookies.clearSession(res);
  }

  @Post(':id/lock')
  @HttpCode(204)
  @RequireAdmin('tenant')
  @ApiOperation({ summary: 'Lock a session until unlocked (administrators, with a reason)' })
  @ApiNoContentResponse()
  async lock(
    @Caller() caller: AccessContext,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: LockDto,
  ): Promise<void> {
    const session = await this.reachable(caller, id);
    if (id === caller.principal.sessionId)
      throw new AccessDenied('You cannot lock the session you are using.', 'forbidden');
    await this.sessions.lock(session.tenantId, id, caller.userId, body.reason);
  }

  @Post(':id/unlock')
  @HttpCode(204)
  @RequireAdmin('tenant')
  @ApiOperation({ summary: 'Unlock a locked session (administrators, with a reason)' })
  @ApiNoContentResponse()
  async unlock(
    @Caller() caller: AccessContext,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: LockDto,
  ): Promise<void> {
    const session = await this.reachable(caller, id);
    await this.sessions.unlock(session.tenantId, id, caller.userId, body.reason);
  }

  /** The caller's own session, or one of a user the caller (an administrator) may act on. */
  private async reachable(caller: AccessContext, id: string): Promise<SessionView> {
    const own = await this.sessions.get(caller.homeTenantId, id).catch(() => undefined);
    if (own && own.userId === caller.userId) return own;
    if (!isAdmin(caller)) throw new NotFound('session', id);
    const session = own ?? (await this.sessions.get(caller.tenantId, id));
    await this.principals.require(
      caller,
      { tenantId: session.tenantId, userId: session.userId },
      { status: 404, resource: 'session', id },
    );
    return session;
  }

  private requireAdmin(caller: AccessContext): void {
    if (!isAdmin(caller))
      throw new AccessDenied(
        "Only administrators may act on other users' sessions.",
        'forbidden-admin',
      );
  }

  private dto(s: SessionView, caller: AccessContext): SessionDto {
    return SessionDto.from(s, this.sessions.idleTimeoutMs, caller.principal.sessionId);
  }
}
