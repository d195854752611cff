import { createHmac, randomBytes } from 'node:crypto';
import { createBase32Plugin, createCryptoPlugin } from '@otplib/core';
import { base32Decode, base32Encode } from './base32';

/**
 * otplib's default plugins load ES-module-only packages that Jest on Node 20 cannot
 * require; Node's own crypto does the same work synchronously.
 */
export const nodeOtpCrypto = createCryptoPlugin({
  name: 'node',
  algorithms: ['sha1', 'sha256', 'sha512'],
  hmac: (algorithm, key, data) => createHmac(algorithm, key).update(data).digest(),
  randomBytes: (length) => randomBytes(length),
});

export const otpBase32 = createBase32Plugin({
  name: 'rfc4648',
  encode: base32Encode,
  decode: base32Decode,
});
