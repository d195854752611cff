/** A compact JWS: three base64url parts, the header a JSON object (`eyJ` is `{"`). */
export const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
