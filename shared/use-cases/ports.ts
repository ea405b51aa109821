/**
 * The ports the use cases receive: small interfaces over the outside world, so the use cases run
 * against DynamoDB Local, SES and SQS emulators in integration tests and against fakes in unit tests.
 */
import type { PayerChange } from '#shared/domain/confirm-activation';
import type { Instant } from '#shared/domain/instant';

export interface Clock {
  now(): Instant;
}

/** What a token looks like: 256 random bits in base64url. Anything else is refused without a database read. */
export const activationTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** A confirmation link token: 256 random bits; only its hash is ever stored. */
export interface IssuedToken {
  token: string;
  tokenHash: string;
}

export interface TokenIssuer {
  issue(): IssuedToken;
  hash(token: string): string;
}

/** The confirmation email (conferma attivazione), in Italian, to the company's address on Agyo. */
export interface ActivationEmail {
  to: string;
  companyName: string;
  vatNumber: string;
  /** The Studios connected to the company, by display name (the email says who set it up). */
  studioNames: string[];
  /** Display names by studio id, to name the Studio that pays before the change. */
  studioNamesById: Record<string, string>;
  changes: PayerChange[];
  /** The activation page link, token included: never logged. */
  confirmUrl: string;
  expiresAt: Instant;
}

export interface Mailer {
  sendActivationEmail(email: ActivationEmail): Promise<{ messageId: string }>;
}

/** Case 3: ask FIC to show the company an in-app request to confirm the Studio's connection. */
export interface ConnectionRequest {
  requestId: string;
  companyId: string;
  vatNumber: string;
  ficCompanyId?: string;
  studioId: string;
  studioName: string;
}

/** Puts the request on the `ficOutbound` queue; the outbound function calls FIC with retries. */
export interface ConnectionRequestPublisher {
  publish(request: ConnectionRequest): Promise<void>;
}

/** Fatture in Cloud's API, as the outbound function calls it. Idempotent by `requestId`. */
export interface FicConnectionApi {
  requestConnection(request: ConnectionRequest): Promise<void>;
}
