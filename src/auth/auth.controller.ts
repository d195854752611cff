import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import type { AccessContext } from '../access/access-context';
import { AuthService } from './auth.service';
import { TooManyRequests } from './auth-errors';
import { Authenticator } from './authenticator.service';
import { Authenticated, Caller, Public } from '../access/decorators';
import { LoginDto, LoginResultDto, MeDto } from './dto/auth.dto';
import { SESSION_COOKIE } from '../sessions/sessions.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Returns a session token and sets it as an HttpOnly, Secure, SameSite=Strict cookie.',
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (one answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Locked after repeated failures; see Retry-After' })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResultDto> {
    try {
      const { token, session } = await this.auth.login({
        email: body.email,
        password: body.password,
        tenant: body.tenant,
        ip: this.authenticator.clientIp({
          headers: req.headers,
          remoteAddress: req.socket.remoteAddress,
        }),
        userAgent: req.header('user-agent'),
      });
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        secure: this.config.SESSION_COOKIE_SECURE,
        sameSite: 'strict',
        path: '/',
        expires: session.expiresAt,
      });
      return {
        token,
        expires_at: session.expiresAt.toISOString(),
        user_id: session.userId,
        tenant_id: session.tenantId,
      };
    } catch (error) {
      if (error instanceof TooManyRequests) res.setHeader('Retry-After', String(error.retryAfterS));
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End the current login session and clear its cookie' })
  @ApiNoContentResponse()
  async logout(
    @Caller() caller: AccessContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (caller.principal.sessionId)
      await this.auth.logout({
        tenantId: caller.homeTenantId,
        sessionId: caller.principal.sessionId,
      });
    res.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      secure: this.config.SESSION_COOKIE_SECURE,
      sameSite: 'strict',
      path: '/',
    });
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who is calling, in which tenant, with which roles and permissions' })
  @ApiOkResponse({ type: MeDto })
  async me(@Caller() caller: AccessContext): Promise<MeDto> {
    const user = await this.users.get(caller.homeTenantId, caller.userId);
    return {
      principal_kind: caller.principal.kind,
      user_id: user.id,
      email: user.email,
      display_name: user.displayName,
      tenant_id: caller.tenantId,
      home_tenant_id: caller.homeTenantId,
      tenant_source: caller.tenantSource,
      roles: [...caller.roles].sort(),
      permissions: [...caller.permissions].sort(),
      ...(caller.scopes ? { scopes: [...caller.scopes] } : {}),
      ...(caller.principal.apiKeyId ? { api_key_id: caller.principal.apiKeyId } : {}),
    };
  }
}
