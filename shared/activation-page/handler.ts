// The activation page (the link in the confirmation email): GET and HEAD show what confirming would
// do and change nothing, because mail scanners and link previews follow links; only a POST of the
// page's own form, with a matching anti-forgery pair and from this origin, confirms.
// The token is in the path: it is never logged, and never sent onwards (no-referrer, no caching).
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { csrfCookiePolicy, csrfCookieValue, csrfFieldName, csrfPairMatches, csrfSetCookie, newCsrfValue } from './csrf.ts';
import { confirmedPage, previewPage, refusalPage, type ActivationPreview, type ConfirmedActivation, type RefusalKind } from './pages.ts';
import { activationToken, formFields, FormTooLargeError, isSameOriginPost } from './request.ts';
import type { ActivationLinkProblem } from '#shared/use-cases/errors';

/** Why a link cannot be used, as the use cases say it. */
export type ActivationLinkReason = ActivationLinkProblem;

/** The two use cases the page calls, and where it is published. */
export interface ActivationPageDependencies {
  previewActivation(input: { token: string }): Promise<ActivationPreview>;
  confirmActivation(input: { token: string }): Promise<ConfirmedActivation>;
  /** The public base URL (activation links are under it): decides the cookie's Secure/__Host- and the expected Origin. */
  publicBaseUrl: string;
  /** Tells a link that cannot be used (unknown, used, expired, revoked) from a failure. */
  linkErrorReason(error: unknown): ActivationLinkReason | undefined;
  /** Failures only; the page passes no token, no link and no event. */
  logFailure(message: string, details: { errorName: string; errorMessage: string; method: string }): void;
}

type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; cookies?: string[] };

export function createActivationPageHandler(dependencies: ActivationPageDependencies | (() => ActivationPageDependencies)) {
  let resolved: ActivationPageDependencies | undefined;
  const deps = () => (resolved ??= typeof dependencies === 'function' ? dependencies() : dependencies);

  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const method = event.requestContext.http.method.toUpperCase();
    const nonce = randomBytes(16).toString('base64');
    const respond = (status: number, html: string, extra: { cookies?: string[] } = {}): Result => ({
      statusCode: status,
      headers: pageHeaders(nonce, deps().publicBaseUrl),
      body: method === 'HEAD' ? '' : html,
      ...(extra.cookies ? { cookies: extra.cookies } : {}),
    });
    const refuse = (kind: RefusalKind) => {
      const page = refusalPage(kind, nonce);
      return respond(page.status, page.html);
    };

    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
      return { ...refuse('forbidden'), statusCode: 405, headers: { ...pageHeaders(nonce, deps().publicBaseUrl), allow: 'GET, HEAD, POST' } };
    }
    // Checked before anything else: a string that cannot be a token never reaches the database.
    const token = activationToken(event);
    if (token === undefined) return refuse('unknown');

    const { publicBaseUrl, linkErrorReason, logFailure } = deps();
    const cookiePolicy = csrfCookiePolicy(publicBaseUrl);
    const onError = (error: unknown) => {
      const reason = linkErrorReason(error);
      if (reason !== undefined) return refuse(reason);
      logFailure('Activation page failed', {
        errorName: error instanceof Error ? error.name : typeof error,
        // Whatever a dependency put in its message, the token does not reach the log.
        errorMessage: (error instanceof Error ? error.message : String(error)).split(token).join('[token]'),
        method,
      });
      return refuse('failed');
    };

    if (method === 'POST') {
      if (!isSameOriginPost(event, publicBaseUrl)) return refuse('forbidden');
      let fields: URLSearchParams;
      try {
        fields = formFields(event);
      } catch (error) {
        if (error instanceof FormTooLargeError) return refuse('tooLarge');
        throw error;
      }
      if (!csrfPairMatches(csrfCookieValue(cookiePolicy, event.cookies), fields.get(csrfFieldName) ?? undefined)) {
        return refuse('forbidden');
      }
      try {
        return respond(200, confirmedPage(await deps().confirmActivation({ token }), nonce));
      } catch (error) {
        return onError(error);
      }
    }

    try {
      const preview = await deps().previewActivation({ token });
      // Several tabs of the same link share one value; a missing or malformed cookie gets a new one.
      const csrfValue = csrfCookieValue(cookiePolicy, event.cookies) ?? newCsrfValue();
      const html = previewPage(preview, { action: event.rawPath, csrfFieldName, csrfValue }, nonce);
      return respond(200, html, { cookies: [csrfSetCookie(cookiePolicy, csrfValue)] });
    } catch (error) {
      return onError(error);
    }
  };
}

/**
 * Strict headers for every answer: no script may run, only the nonce'd inline style applies, the
 * form may post only here, nothing may frame the page, and neither caches nor the Referer keep the token.
 */
export function pageHeaders(nonce: string, publicBaseUrl: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (new URL(publicBaseUrl).protocol === 'https:') headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}
