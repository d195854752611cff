import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidationFailed } from '#common';
import type { AccessContext } from '../access/access-context';
import {
  AllowDuringEnrollment,
  Caller,
  RequireElevated,
  RequireMfa,
  RequireSession,
} from '../access/decorators';
import { deniedType } from '../auth/access-policy';
import { AccessDenied } from '../auth/auth-errors';
import { CodeSentDto } from '../auth/dto/auth.dto';
import { SessionCookies } from '../auth/session-cookies';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { type Confirmation, MfaEnrollment } from '../mfa/mfa-enrollment.service';
import type { MfaKind } from '../mfa/mfa-method.repository';
import { TrustedDevices } from '../mfa/trusted-devices.service';
import { SessionsService } from '../sessions/sessions.service';
import { TenantsService } from '../tenancy/tenants.service';
import {
  BackupCodesDto,
  ConfirmationDto,
  EmailEnrollDto,
  MfaCodeDto,
  MfaStatusDto,
  SmsEnrollDto,
  TotpEnrollmentDto,
  TrustedDeviceDto,
  TrustedDeviceListDto,
} from './dto/mfa.dto';

const KINDS: readonly MfaKind[] = ['totp', 'sms', 'email'];

/** A step of enrolling a second factor: open to a session that must enroll first. */
const EnrollmentStep = () => applyDecorators(RequireSession(), AllowDuringEnrollment());

/**
 * The signed-in user's second factors. Enrollment stays open to a session that must enroll
 * before anything else (tenant `mfa_required`); confirming the first method verifies the
 * session, which then carries a new token.
 */
@ApiTags('mfa')
@Controller('api/v1/mfa')
export class MfaController {
  private readonly cookies: SessionCookies;

  constructor(
    private readonly mfa: MfaEnrollment,
    private readonly devices: TrustedDevices,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.SESSION_COOKIE_SECURE);
  }

  @Get()
  @EnrollmentStep()
  @ApiOperation({ summary: 'My second factors and backup codes left' })
  @ApiOkResponse({ type: MfaStatusDto })
  async status(@Caller() caller: AccessContext): Promise<MfaStatusDto> {
    const tenant = await this.tenants.get(caller.homeTenantId);
    return MfaStatusDto.from(
      await this.mfa.status(caller.homeTenantId, caller.userId),
      tenant.mfaRequired,
    );
  }

  @Post('totp/enroll')
  @HttpCode(200)
  @EnrollmentStep()
  @ApiOperation({ summary: 'Start enrolling an authenticator app: secret, URI and QR code' })
  @ApiOkResponse({ type: TotpEnrollmentDto })
  async enrollTotp(@Caller() caller: AccessContext): Promise<TotpEnrollmentDto> {
    const enrollment = await this.mfa.enrollTotp(await this.enrollingUser(caller));
    return { secret: enrollment.secret, otpauth_uri: enrollment.uri, qr_svg: enrollment.qrSvg };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @EnrollmentStep()
  @ApiOperation({ summary: 'Confirm the authenticator app with its first code' })
  @ApiOkResponse({ type: ConfirmationDto })
  async confirmTotp(
    @Caller() caller: AccessContext,
    @Body() body: MfaCodeDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConfirmationDto> {
    const confirmation = await this.mfa.confirmTotp(caller.homeTenantId, caller.userId, body.code);
    return this.confirmed(caller, confirmation, res);
  }

  @Post('sms/enroll')
  @HttpCode(202)
  @EnrollmentStep()
  @ApiOperation({ summary: 'Enroll a phone number: a code goes to it by SMS' })
  @ApiAcceptedResponse({ type: CodeSentDto })
  async enrollSms(
    @Caller() caller: AccessContext,
    @Body() body: SmsEnrollDto,
  ): Promise<CodeSentDto> {
    const sent = await this.mfa.enrollByCode(await this.enrollingUser(caller), 'sms', body.phone);
    return CodeSentDto.from(sent);
  }

  @Post('sms/confirm')
  @HttpCode(200)
  @EnrollmentStep()
  @ApiOperation({ summary: 'Confirm the phone number with the code it received' })
  @ApiOkResponse({ type: ConfirmationDto })
  async confirmSms(
    @Caller() caller: AccessContext,
    @Body() body: MfaCodeDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConfirmationDto> {
    return this.confirmed(
      caller,
      await this.mfa.confirmByCode(caller.homeTenantId, caller.userId, 'sms', body.code),
      res,
    );
  }

  @Post('email/enroll')
  @HttpCode(202)
  @EnrollmentStep()
  @ApiOperation({
    summary: "Enroll an email address (the account's by default): a code goes to it",
  })
  @ApiAcceptedResponse({ type: CodeSentDto })
  async enrollEmail(
    @Caller() caller: AccessContext,
    @Body() body: EmailEnrollDto,
  ): Promise<CodeSentDto> {
    const user = await this.enrollingUser(caller);
    const sent = await this.mfa.enrollByCode(user, 'email', body.email ?? user.email);
    return CodeSentDto.from(sent);
  }

  @Post('email/confirm')
  @HttpCode(200)
  @EnrollmentStep()
  @ApiOperation({ summary: 'Confirm the email address with the code it received' })
  @ApiOkResponse({ type: ConfirmationDto })
  async confirmEmail(
    @Caller() caller: AccessContext,
    @Body() body: MfaCodeDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConfirmationDto> {
    return this.confirmed(
      caller,
      await this.mfa.confirmByCode(caller.homeTenantId, caller.userId, 'email', body.code),
      res,
    );
  }

  @Post('backup-codes/regenerate')
  @HttpCode(200)
  @RequireSession()
  @RequireMfa()
  @ApiOperation({ summary: 'Ten new backup codes; the old ones stop working' })
  @ApiOkResponse({ type: BackupCodesDto })
  async regenerate(@Caller() caller: AccessContext): Promise<BackupCodesDto> {
    return {
      backup_codes: await this.mfa.regenerateBackupCodes(caller.homeTenantId, caller.userId),
    };
  }

  @Delete('methods/:kind')
  @HttpCode(204)
  @RequireSession()
  @RequireElevated()
  @ApiOperation({ summary: 'Disable one of my second factors (elevated sessions)' })
  @ApiParam({ name: 'kind', enum: KINDS })
  @ApiNoContentResponse()
  async disable(@Caller() caller: AccessContext, @Param('kind') kind: string): Promise<void> {
    if (!KINDS.includes(kind as MfaKind))
      throw new ValidationFailed([{ field: 'kind', message: 'must be one of totp, sms, email' }]);
    await this.mfa.disable(caller.homeTenantId, caller.userId, kind as MfaKind, caller.userId);
  }

  @Get('trusted-devices')
  @RequireSession()
  @ApiOperation({ summary: 'My trusted devices (browsers that skip the second factor)' })
  @ApiOkResponse({ type: TrustedDeviceListDto })
  async listDevices(@Caller() caller: AccessContext): Promise<TrustedDeviceListDto> {
    const devices = await this.devices.list(caller.homeTenantId, caller.userId);
    return { items: devices.map(TrustedDeviceDto.from) };
  }

  @Delete('trusted-devices/:id')
  @HttpCode(204)
  @RequireSession()
  @ApiOperation({ summary: 'Stop trusting a device: its next sign-in asks for a second factor' })
  @ApiNoContentResponse()
  async revokeDevice(
    @Caller() caller: AccessContext,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    await this.devices.revoke(caller.homeTenantId, caller.userId, id);
  }

  /**
   * The user, when this session may add a second factor: anyone may add their first, but
   * once a user has one, only a session verified with it may add another (a session that
   * predates the first factor, or a stolen password, cannot plant the attacker's phone).
   */
  private async enrollingUser(caller: AccessContext) {
    const user = await this.users.get(caller.homeTenantId, caller.userId);
    const enrolled = (await this.mfa.activeKinds(user.tenantId, user.id)).length > 0;
    if (enrolled && !caller.session?.mfaVerified)
      throw new AccessDenied(
        'This route needs a session verified with a second factor.',
        deniedType('mfa'),
      );
    return { tenantId: user.tenantId, userId: user.id, email: user.email };
  }

  /** A session not yet verified by a second factor now is: it gets a new token. */
  private async confirmed(
    caller: AccessContext,
    confirmation: Confirmation,
    res: Response,
  ): Promise<ConfirmationDto> {
    const body: ConfirmationDto = { backup_codes: confirmation.backupCodes };
    const facts = caller.session;
    if (facts && (!facts.mfaVerified || facts.enrollmentOnly)) {
      const who = { tenantId: caller.homeTenantId, userId: caller.userId, id: facts.id };
      body.token = await this.sessions.rotate(
        who,
        { mfaVerified: true, enrollmentOnly: false },
        'mfa-enrolled',
      );
      // Sessions signed in by password alone end with the first second factor.
      await this.sessions.endAllFor(who.tenantId, who.userId, who.id, 'mfa-enrolled', who.userId);
      const session = await this.sessions.get(who.tenantId, who.id);
      this.cookies.setSession(res, body.token, session.expiresAt);
    }
    return body;
  }
}
