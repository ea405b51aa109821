// The link in the confirmation email (conferma attivazione): the page shows what confirming would do
// (read only: mail scanners follow links), and only the page's POST confirms, once.
import { isExpired } from '#shared/domain/activation';
import type { Company } from '#shared/domain/company';
import { activationPreview, confirmActivation } from '#shared/domain/confirm-activation';
import type { PayerChange } from '#shared/domain/confirm-activation';
import { ActivationExpiredError, ActivationNotPendingError, ActivationTokenMismatchError } from '#shared/domain/errors';
import type { Instant } from '#shared/domain/instant';
import { retryOnConflict, studioNamesByIdOf, studioNamesOf } from './common.ts';
import type { CoreDependencies } from './common.ts';
import { ActivationLinkError } from './errors.ts';
import { activationTokenPattern, type TokenIssuer } from './ports.ts';
import type { ActivationRecord } from './repository.ts';

export { ActivationLinkError } from './errors.ts';
export type { ActivationLinkProblem } from './errors.ts';

export interface ActivationPreview {
  companyName: string;
  vatNumber: string;
  /** The Studios actively connected to the company, by display name. */
  studioNames: string[];
  /** Display names by studio id, to name the Studio that pays before the change. */
  studioNamesById: Record<string, string>;
  changes: PayerChange[];
  expiresAt: Instant;
}

export type ConfirmedActivation = Pick<ActivationPreview, 'companyName' | 'changes'>;

type Deps = CoreDependencies & { tokens: Pick<TokenIssuer, 'hash'> };


/** Read only. Throws ActivationLinkError. */
export async function previewActivation(deps: Deps, input: { token: string }): Promise<ActivationPreview> {
  const tokenHash = hashOf(deps, input.token);
  const record = await deps.repository.activation(tokenHash);
  usable(record, deps.clock.now());
  const found = await deps.repository.companyWithConnections(record.companyId);
  if (found === undefined) throw new ActivationLinkError('unknown');
  if (found.company.pendingActivation?.tokenHash !== tokenHash) throw new ActivationLinkError('revoked');
  return {
    companyName: found.company.name,
    vatNumber: found.company.vatNumber,
    studioNames: studioNamesOf(found.connections),
    studioNamesById: studioNamesByIdOf(found.connections),
    changes: activationPreview(found.company),
    expiresAt: record.expiresAt,
  };
}

/**
 * Single use under any concurrency: the transaction moves the activation from pending to used on the
 * company version it read, so of two parallel confirmations one commits and the other, re-reading,
 * finds the link used. One read (the activation carries the company) and one transaction.
 */
export async function confirmActivationByToken(
  deps: Deps,
  input: { token: string },
): Promise<ConfirmedActivation> {
  const tokenHash = hashOf(deps, input.token);
  return retryOnConflict(async () => {
    const record = await deps.repository.activation(tokenHash);
    const now = deps.clock.now();
    usable(record, now);
    const company: Company | undefined =
      record.company ?? (await deps.repository.companyWithConnections(record.companyId))?.company;
    if (company === undefined) throw new ActivationLinkError('unknown');
    const changes = activationPreview(company);
    let outcome: ReturnType<typeof confirmActivation>;
    try {
      outcome = confirmActivation(company, { tokenHash }, now);
    } catch (error) {
      if (error instanceof ActivationExpiredError) throw new ActivationLinkError('expired');
      if (error instanceof ActivationNotPendingError || error instanceof ActivationTokenMismatchError) {
        throw new ActivationLinkError('revoked');
      }
      throw error;
    }
    await deps.repository.commit({
      company: { before: company, after: outcome.company },
      timeline: { companyId: company.companyId, entries: outcome.timeline },
    });
    return { companyName: company.name, changes };
  });
}

function hashOf(deps: Deps, token: string): string {
  if (!activationTokenPattern.test(token)) throw new ActivationLinkError('unknown');
  return deps.tokens.hash(token);
}

function usable(record: ActivationRecord | undefined, now: Instant): asserts record is ActivationRecord {
  if (record === undefined) throw new ActivationLinkError('unknown');
  if (record.status === 'used') throw new ActivationLinkError('used');
  if (record.status === 'revoked') throw new ActivationLinkError('revoked');
  if (isExpired({ tokenHash: record.tokenHash, requestedAt: record.requestedAt, expiresAt: record.expiresAt }, now)) {
    throw new ActivationLinkError('expired');
  }
}
