/**
 * The people of the demo, each talking to the system the way the real one does:
 * - a Studio calls the Studio API with a signed JWT and says its channel (portal or Lynfa);
 * - FIC sends signed webhooks (the FIC simulator's control API plays the company inside FIC);
 * - the company reads its mail (the SES emulator's `/store`), opens the link and presses the button.
 */
import { importJWK, SignJWT, type JWK } from 'jose';
import { studioIdClaim } from '#shared/config';
import type { Channel } from '#shared/domain/actor';

export interface DemoEndpoints {
  apiUrl: string;
  sesUrl: string;
  ficSimulatorUrl: string;
}

export class DemoFailure extends Error {
  override name = 'DemoFailure';
}

/** Polls until `probe` returns a value, or fails with `what` after `timeoutMs` (never a fixed sleep). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new DemoFailure(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

const requestTimeout = () => AbortSignal.timeout(15_000);

export interface StudioTokenSettings {
  privateJwk: JWK;
  issuer: string;
  audience: string;
}

/** A Studio: its id travels in the token's `studio_id` claim, its display name in `name`. */
export class Studio {
  private token: string | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly api: string,
    private readonly tokens: StudioTokenSettings,
  ) {}

  /** The same token the identity provider issues (and `npm run token` mints), plus the Studio's name. */
  private async bearer(): Promise<string> {
    this.token ??= await new SignJWT({ [studioIdClaim]: this.id, name: this.name })
      .setProtectedHeader({ alg: 'ES256', ...(this.tokens.privateJwk.kid ? { kid: this.tokens.privateJwk.kid } : {}) })
      .setSubject(`studio:${this.id}`)
      .setIssuer(this.tokens.issuer)
      .setAudience(this.tokens.audience)
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(await importJWK(this.tokens.privateJwk, 'ES256'));
    return this.token;
  }

  async call<T = any>(channel: Channel, method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.bearer()}`,
        'x-agyo-channel': channel,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: requestTimeout(),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a gateway message): keep the text for the failure report.
    }
    return { status: response.status, body: parsed as T };
  }
}

interface StoredEmail {
  subject?: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
}

/** The company's mailbox at its Agyo address, read from the SES emulator. */
export class Mailbox {
  constructor(
    readonly address: string,
    private readonly sesUrl: string,
  ) {}

  async messages(): Promise<StoredEmail[]> {
    const response = await fetch(`${this.sesUrl}/store`, { signal: requestTimeout() });
    const store = (await response.json()) as { emails: StoredEmail[] };
    return store.emails.filter((email) => email.destination.to.some((to) => to.includes(this.address)));
  }
}

export function confirmationLinkIn(email: StoredEmail): string | undefined {
  return /https?:\/\/\S+?\/v1\/activations\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0];
}

export interface OpenedPage {
  status: number;
  html: string;
  /** The anti-forgery cookie (name=value) and the form's hidden field, as a browser would keep them. */
  cookie?: string;
  csrf?: string;
  action?: string;
}

const decodeHtml = (value: string) => value.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');

/** The company's browser: GET shows, only the button's POST confirms. */
export const browser = {
  async open(link: string): Promise<OpenedPage> {
    const response = await fetch(link, { signal: requestTimeout() });
    const html = await response.text();
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
    return {
      status: response.status,
      html,
      ...(cookie ? { cookie } : {}),
      ...(csrf ? { csrf: decodeHtml(csrf) } : {}),
      ...(action !== undefined ? { action: new URL(decodeHtml(action), link).href } : {}),
    };
  },

  async pressButton(link: string, page: OpenedPage): Promise<{ status: number; html: string }> {
    if (!page.cookie || !page.csrf) throw new DemoFailure('the page carries no anti-forgery cookie or hidden field');
    const target = page.action ?? link;
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie, origin: new URL(target).origin },
      body: new URLSearchParams({ csrf: page.csrf }).toString(),
      signal: requestTimeout(),
    });
    return { status: response.status, html: await response.text() };
  },
};

/** The text of the page's first heading, for the narration. */
export function headingOf(html: string): string {
  return decodeHtml(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '').trim();
}
