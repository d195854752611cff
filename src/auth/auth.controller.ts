import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
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
import { AuthService, type SignedIn } from './auth.service';
import { Authenticator, readCookie } from './authenticator.service';
import { AllowDuringEnrollment, Authenticated, Caller, Public } from '../access/decorators';
import {
  CodeSentDto,
  LoginDto,
  LoginResultDto,
  MeDto,
  MfaSendDto,
  SessionStateDto,
  MfaVerifyDto,
} from './dto/auth.dto';
import { SESSION_COOKIE } from '../sessions/sessions.service';
import { MfaChallenges } from '../mfa/mfa-challenges.service';
import { DEVICE_COOKIE } from '../mfa/trusted-devices.service';
import { SessionCookies } from './session-cookies';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly authenticator: Authenticator,
    private readonly challenges: MfaChallenges,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.SESSION_COOKIE_SECURE);
  }

  private readonly cookies: SessionCookies;

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Returns a session token and sets it as an HttpOnly, Secure, SameSite=Strict cookie; ' +
      'a session the client already held ends. A user with a second factor gets ' +
      '`status: mfa_required` and a challenge instead (unless the browser is a trusted device).',
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (one answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Locked after repeated failures; see Retry-After' })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResultDto> {
    return this.withRetryAfter(res, async () => {
      const outcome = await this.auth.login({
        email: body.email,
        password: body.password,
        tenant: body.tenant,
        sessionType: body.session_type,
        ...this.requestMeta(req),
        deviceCookie: readCookie(req.header('cookie'), DEVICE_COOKIE),
      });
      if (outcome.status === 'mfa_required')
        return {
          status: 'mfa_required',
          challenge_token: outcome.challenge.token,
          methods: outcome.challenge.methods,
          expires_at: outcome.challenge.expiresAt.toISOString(),
        };
      return this.signedIn(res, outcome);
    });
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Complete a sign-in with a second factor',
    description:
      'A TOTP code, a code sent by SMS or email, or a backup code. Wrong codes count; ' +
      "past the limit the challenge and the user's second factor lock (429).",
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({ description: 'Wrong code, or an unknown or expired challenge' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes; see Retry-After' })
  async verifyMfa(
    @Body() body: MfaVerifyDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResultDto> {
    return this.withRetryAfter(res, async () => {
      const signedIn = await this.auth.verifyMfa({
        challengeToken: body.challenge_token,
        method: body.method,
        code: body.code,
        trustDevice: body.trust_device,
        deviceName: body.device_name,
        sessionType: body.session_type,
        ...this.requestMeta(req),
      });
      if (signedIn.device)
        this.cookies.setDevice(res, signedIn.device.cookie, signedIn.device.expiresAt);
      return this.signedIn(res, signedIn);
    });
  }

  @Post('mfa/send')
  @HttpCode(202)
  @Public()
  @ApiOperation({ summary: 'Send a sign-in code by SMS or email for a challenge' })
  @ApiAcceptedResponse({ type: CodeSentDto })
  async sendMfaCode(
    @Body() body: MfaSendDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CodeSentDto> {
    return this.withRetryAfter(res, async () => {
      const sent = await this.challenges.sendCode(body.challenge_token, body.method);
      return CodeSentDto.from(sent);
    });
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @AllowDuringEnrollment()
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
        userId: caller.userId,
      });
    this.cookies.clearSession(res);
  }

  @Get('session')
  @Public()
  @ApiOperation({
    summary: 'Whether the caller is signed in, answered without a refusal',
    description:
      'For a page deciding between its sign-in form and its content: 200 either way, and ' +
      'nothing recorded as a refused request.',
  })
  @ApiOkResponse({ type: SessionStateDto })
  async session(@Req() req: Request): Promise<SessionStateDto> {
    try {
      await this.authenticator.authenticate({
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
      });
      return { signed_in: true };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) return { signed_in: false };
      // a live credential that may do little yet (a second factor to enroll) is signed in
      if (status === 403) return { signed_in: true };
      throw error;
    }
  }

  @Get('me')
  @Authenticated()
  @AllowDuringEnrollment()
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

  private signedIn(res: Response, signedIn: SignedIn): LoginResultDto {
    const { token, session } = signedIn;
    this.cookies.setSession(res, token, session.expiresAt);
    return {
      status: 'authenticated',
      token,
      session_id: session.id,
      expires_at: session.expiresAt.toISOString(),
      user_id: session.userId,
      tenant_id: session.tenantId,
      mfa_verified: session.mfaVerified,
      mfa_enrollment_required: session.enrollmentOnly,
    };
  }

  private requestMeta(req: Request) {
    const authorization = req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    return {
      ip: this.authenticator.clientIp({
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
      }),
      userAgent: req.header('user-agent'),
      presentedToken: authorization ?? readCookie(req.header('cookie'), SESSION_COOKIE),
    };
  }

  private async withRetryAfter<T>(res: Response, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const retry = (error as { retryAfterS?: unknown }).retryAfterS;
      if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
      throw error;
    }
  }
}
