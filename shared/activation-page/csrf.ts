// Anti-forgery for the confirm form without JavaScript: a double-submit cookie. The page sets a
// random value in a cookie and the same value in a hidden field; a POST confirms only when both
// arrive and match. On https the cookie is `__Host-` prefixed (Secure, Path=/, no Domain), so a
// sibling subdomain cannot plant one; locally (http) the prefix is not allowed, so the plain name is used.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const csrfFieldName = 'csrf';
const cookieBaseName = 'agyo-activation-csrf';
const valuePattern = /^[A-Za-z0-9_-]{43}$/;
const maxAgeSeconds = 60 * 60;

export interface CsrfCookiePolicy {
  name: string;
  secure: boolean;
}

export function csrfCookiePolicy(publicBaseUrl: string): CsrfCookiePolicy {
  const secure = new URL(publicBaseUrl).protocol === 'https:';
  return { name: secure ? `__Host-${cookieBaseName}` : cookieBaseName, secure };
}

export function newCsrfValue(): string {
  return randomBytes(32).toString('base64url');
}

export function isCsrfValue(value: string | undefined): value is string {
  return value !== undefined && valuePattern.test(value);
}

/** The Set-Cookie value. HttpOnly: only the server reads it; SameSite=Strict: never sent cross-site. */
export function csrfSetCookie(policy: CsrfCookiePolicy, value: string): string {
  return [`${policy.name}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(policy.secure ? ['Secure'] : [])].join('; ');
}

/** The cookie's value from payload-v2 `cookies` (`name=value` strings), when well formed. */
export function csrfCookieValue(policy: CsrfCookiePolicy, cookies: readonly string[] | undefined): string | undefined {
  for (const cookie of cookies ?? []) {
    const separator = cookie.indexOf('=');
    if (separator < 0 || cookie.slice(0, separator).trim() !== policy.name) continue;
    const value = cookie.slice(separator + 1).trim();
    if (isCsrfValue(value)) return value;
  }
  return undefined;
}

/** Constant-time comparison of the cookie and the form field. */
export function csrfPairMatches(cookieValue: string | undefined, fieldValue: string | undefined): boolean {
  if (!isCsrfValue(cookieValue) || !isCsrfValue(fieldValue)) return false;
  return timingSafeEqual(Buffer.from(cookieValue), Buffer.from(fieldValue));
}
