/** `ak_{12 hex key id}_{43 base64url secret}`: 6 random bytes of id, 32 of secret. */
export const API_KEY_PATTERN = /^ak_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
