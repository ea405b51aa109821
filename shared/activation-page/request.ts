// What the activation page reads from a payload-v2 event: the token (format only: the database is
// never asked about something that cannot be a token), the posted form, and where a POST came from.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { activationTokenPattern } from '#shared/use-cases/ports';

export function activationToken(event: APIGatewayProxyEventV2): string | undefined {
  const token = event.pathParameters?.token;
  return token !== undefined && activationTokenPattern.test(token) ? token : undefined;
}

/** A confirm form is a few dozen bytes; anything much larger is not ours. */
export const maxFormBytes = 4 * 1024;

export class FormTooLargeError extends Error {
  override name = 'FormTooLargeError';
}

/** The fields of an `application/x-www-form-urlencoded` body (possibly base64-encoded); empty otherwise. */
export function formFields(event: APIGatewayProxyEventV2): URLSearchParams {
  const mediaType = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (event.body === undefined || mediaType !== 'application/x-www-form-urlencoded') return new URLSearchParams();
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > maxFormBytes) throw new FormTooLargeError(`Form body of ${raw.length} bytes`);
  return new URLSearchParams(raw.toString('utf8'));
}

/**
 * False when the browser says the POST came from another site. Browsers send `Sec-Fetch-Site` and
 * `Origin` on form posts; when present, they must name this very origin (the public URL, or the
 * host the request reached). Their absence (old clients, curl) is left to the anti-forgery pair.
 */
export function isSameOriginPost(event: APIGatewayProxyEventV2, publicBaseUrl: string): boolean {
  const fetchSite = event.headers['sec-fetch-site']?.trim().toLowerCase();
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  const origin = event.headers.origin?.trim();
  if (origin === undefined) return true;
  // Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` even for the page's own form;
  // then only an explicit same-origin Sec-Fetch-Site vouches for it.
  if (origin === 'null') return fetchSite === 'same-origin';
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return false;
  }
  const allowed = new Set([new URL(publicBaseUrl).origin]);
  const host = event.headers.host ?? event.requestContext.domainName;
  if (host) {
    // Behind API Gateway the client spoke https; locally the function host is plain http.
    allowed.add(`https://${host}`.toLowerCase());
    if (new URL(publicBaseUrl).protocol === 'http:') allowed.add(`http://${host}`.toLowerCase());
  }
  return allowed.has(originUrl.origin.toLowerCase());
}
