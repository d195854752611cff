import { Module } from '@nestjs/common';
import { emailCodeSenderProvider, smsCodeSenderProvider } from './code-senders.provider';
import { MfaChallengeRepository } from './mfa-challenge.repository';
import { MfaChallenges } from './mfa-challenges.service';
import { MfaEnrollment } from './mfa-enrollment.service';
import { mfaKeysProvider } from './mfa-keys.provider';
import { MfaMethodRepository } from './mfa-method.repository';
import { MfaVerifier } from './mfa-verifier.service';
import { TrustedDeviceRepository } from './trusted-device.repository';
import { TrustedDevices } from './trusted-devices.service';

/**
 * Multi-factor authentication: second factors and their enrollment, sign-in challenges,
 * code checks with a persistent lock, code delivery by SMS and email, trusted devices.
 */
@Module({
  providers: [
    MfaMethodRepository,
    MfaChallengeRepository,
    TrustedDeviceRepository,
    MfaVerifier,
    MfaEnrollment,
    MfaChallenges,
    TrustedDevices,
    mfaKeysProvider,
    emailCodeSenderProvider,
    smsCodeSenderProvider,
  ],
  exports: [MfaVerifier, MfaEnrollment, MfaChallenges, TrustedDevices],
})
export class MfaModule {}
