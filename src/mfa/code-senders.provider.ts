import type { Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EMAIL_CODE_SENDER, SMS_CODE_SENDER } from './delivery/code-delivery';
import { HttpSmsSender } from './delivery/http-sms-sender';
import { SmtpEmailSender } from './delivery/smtp-email-sender';

/** Email codes go out by SMTP when MFA_SMTP_URL and MFA_EMAIL_FROM are set; else none. */
export const emailCodeSenderProvider: Provider = {
  provide: EMAIL_CODE_SENDER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    config.MFA_SMTP_URL && config.MFA_EMAIL_FROM
      ? new SmtpEmailSender({ url: config.MFA_SMTP_URL, from: config.MFA_EMAIL_FROM })
      : null,
};

/** SMS codes go out through the HTTP sender at MFA_SMS_URL when it is set; else none. */
export const smsCodeSenderProvider: Provider = {
  provide: SMS_CODE_SENDER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    config.MFA_SMS_URL
      ? new HttpSmsSender({ url: config.MFA_SMS_URL, authorization: config.MFA_SMS_AUTHORIZATION })
      : null,
};
