// Errors the use cases add to the domain's (`#shared/domain/errors`). One class per kind, mapped by
// class (HTTP status, dead-letter decision), never by message.
import { DomainError } from '#shared/domain/errors';

/**
 * The company (or connection, or activation) changed between our read and our write. The use cases
 * retry a few times by re-reading; callers see it only under extreme contention (HTTP 409 / retry).
 */
export class ConcurrentModificationError extends Error {
  override readonly name = 'ConcurrentModificationError';
  constructor(readonly entity: string) {
    super(`${entity} was modified concurrently: read it again and retry.`);
  }
}

/** A pagination cursor that this API did not issue for this list (tampered, truncated, another Studio's). */
export class InvalidCursorError extends DomainError {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('The pagination cursor is not valid for this list: start again without it.');
  }
}

export type ActivationLinkProblem = 'unknown' | 'used' | 'expired' | 'revoked';

/** The confirmation link cannot be shown or confirmed; `reason` picks the page the company sees. */
export class ActivationLinkError extends DomainError {
  override readonly name = 'ActivationLinkError';
  constructor(readonly reason: ActivationLinkProblem) {
    super(
      {
        unknown: 'This confirmation link is not valid.',
        used: 'This confirmation link was already used: the activation is confirmed.',
        expired: 'This confirmation link has expired: ask your Studio to send a new one.',
        revoked: 'This confirmation link was replaced by a newer one: use the link in the latest email.',
      }[reason],
    );
  }
}

/**
 * An authentic FIC event whose data can never be applied (e.g. a Partita IVA with a wrong check digit):
 * the processor records it as rejected and does not retry it.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
  constructor(
    readonly eventId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`FIC event ${eventId} cannot be applied: ${reason}`, options);
  }
}

/** Internal to the repository and the event use case: the event's marker exists, it was processed. */
export class EventAlreadyProcessedError extends Error {
  override readonly name = 'EventAlreadyProcessedError';
  constructor(readonly eventId: string) {
    super(`FIC event ${eventId} was already processed.`);
  }
}
