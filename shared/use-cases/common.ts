// What the use cases share: their core ports, the Studio's identity, retries on concurrent changes,
// fresh ids, and the confirmation email built from a stored company.
import { randomBytes } from 'node:crypto';
import { activationEmail } from '#shared/domain/activation';
import type { Company } from '#shared/domain/company';
import { activationPreview } from '#shared/domain/confirm-activation';
import { ConcurrentModificationError } from './errors.ts';
import type { ActivationEmail, Clock, ConnectionRequestPublisher, Mailer, TokenIssuer } from './ports.ts';
import type { CompanyRepository, ConnectionRecord } from './repository.ts';

export interface CoreDependencies {
  repository: CompanyRepository;
  clock: Clock;
}

export interface EmailDependencies {
  mailer: Mailer;
  tokens: TokenIssuer;
  /** Where the public API answers: the activation link is `${publicBaseUrl}/v1/activations/${token}`. */
  publicBaseUrl: string;
  /** How long a processor owing an email holds it (`EMAIL_LEASE_SECONDS` when absent); below the queue's visibility timeout. */
  emailLeaseSeconds?: number;
}

export interface UseCaseDependencies extends CoreDependencies, EmailDependencies {
  connectionRequests: ConnectionRequestPublisher;
}

/** The calling Studio, from its JWT: the id decides access, the display name is shown to the company. */
export interface StudioIdentity {
  studioId: string;
  displayName: string;
}

/** Enough for DynamoDB Local's and DynamoDB's contention (e.g. 50 racing requests), with backoff. */
const MAX_ATTEMPTS = 12;

/**
 * Runs read-decide-write again while the write finds that what it read has changed; `attempt` starts
 * at 1, so a caller may read more carefully (strongly consistent) on later attempts.
 */
export async function retryOnConflict<T>(work: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}

export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(400, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-like id: 48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters).
 * Sorts by creation time, and fits FIC's request-id pattern ([A-Za-z0-9_:.-]).
 */
export function newId(nowMs: number = Date.now()): string {
  let time = '';
  let remaining = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(remaining % 32) + time;
    remaining = Math.floor(remaining / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD.charAt((random[i] ?? 0) % 32);
  return time + tail;
}

/** The Studios the company already works with, as the email and the page name them. */
export function studioNamesOf(connections: readonly ConnectionRecord[]): string[] {
  return connections
    .filter((record) => record.connection.status === 'active')
    .sort((a, b) => a.connection.since.localeCompare(b.connection.since))
    .map((record) => record.displayName);
}

/** Every connected Studio's display name by id: the email and the page name who pays today. */
export function studioNamesByIdOf(connections: readonly ConnectionRecord[]): Record<string, string> {
  return Object.fromEntries(connections.map((record) => [record.connection.studioId, record.displayName]));
}

export function activationLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/activations/${token}`;
}

/** The email for the company's current pending activation, whose token is `token` (never stored). */
export function activationEmailFor(
  company: Company,
  connections: readonly ConnectionRecord[],
  token: string,
  publicBaseUrl: string,
): ActivationEmail {
  const pending = company.pendingActivation;
  if (pending === undefined) throw new Error(`Company ${company.companyId} has no pending activation to send`);
  const effect = activationEmail(company, pending);
  if (effect.kind !== 'sendActivationEmail') throw new Error('Unexpected effect');
  return {
    to: effect.to,
    companyName: effect.companyName,
    vatNumber: company.vatNumber,
    studioNames: studioNamesOf(connections),
    studioNamesById: studioNamesByIdOf(connections),
    changes: activationPreview(company),
    confirmUrl: activationLink(publicBaseUrl, token),
    expiresAt: effect.expiresAt,
  };
}
