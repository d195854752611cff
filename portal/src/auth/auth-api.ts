import { api, unwrap } from '../api/client';
import type { Schema } from '../api/types';

export type LoginResult = Schema<'LoginResultDto'>;
export type MfaMethod = Schema<'MfaVerifyDto'>['method'];

export function login(body: Schema<'LoginDto'>): Promise<LoginResult> {
  return unwrap(api.POST('/api/v1/auth/login', { body }));
}

export function verifyMfa(body: Schema<'MfaVerifyDto'>): Promise<LoginResult> {
  return unwrap(api.POST('/api/v1/auth/mfa/verify', { body }));
}

export function sendMfaCode(body: Schema<'MfaSendDto'>): Promise<Schema<'CodeSentDto'>> {
  return unwrap(api.POST('/api/v1/auth/mfa/send', { body }));
}

export async function logout(): Promise<void> {
  await unwrap(api.POST('/api/v1/auth/logout'));
}

export function signInOptions(tenant: string): Promise<Schema<'SsoSignInOptionListDto'>> {
  return unwrap(
    api.GET('/api/v1/sso/sign-in-options', { params: { query: tenant ? { tenant } : {} } }),
  );
}
