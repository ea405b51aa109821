// An explicit "send the confirmation email again" from a connected Studio (rate limited by the domain).
import { studioActor } from '#shared/domain/actor';
import type { Channel } from '#shared/domain/actor';
import { CompanyNotFoundError } from '#shared/domain/errors';
import type { Instant } from '#shared/domain/instant';
import { resendActivation } from '#shared/domain/resend-activation';
import { visibleTo } from '#shared/domain/visibility';
import { activationEmailFor, retryOnConflict } from './common.ts';
import type { CoreDependencies, EmailDependencies, StudioIdentity } from './common.ts';

export interface ResendActivationInput {
  studio: StudioIdentity;
  channel: Channel;
  companyId: string;
}

/**
 * The new link replaces the previous one (revoked in the same transaction). ResendTooSoonError carries
 * retryAfterSeconds; ActivationNotPendingError when no confirmation is awaited. The email is sent after
 * the commit: if sending fails the error propagates and the Studio may retry once the rate limit allows.
 */
export async function resendActivationEmail(
  deps: CoreDependencies & EmailDependencies,
  input: ResendActivationInput,
): Promise<{ requestedAt: Instant; expiresAt: Instant }> {
  const { studioId } = input.studio;
  const { company, connections, token } = await retryOnConflict(async () => {
    const found = await deps.repository.companyWithConnections(input.companyId);
    const connections = found?.connections.map((record) => record.connection) ?? [];
    if (found === undefined || !visibleTo(studioId, found.company, connections)) {
      throw new CompanyNotFoundError(input.companyId);
    }
    const issued = deps.tokens.issue();
    const outcome = resendActivation(
      found.company,
      connections.find((connection) => connection.studioId === studioId),
      { by: studioActor(studioId, input.channel), tokenHash: issued.tokenHash },
      deps.clock.now(),
    );
    const stored = await deps.repository.commit({
      company: { before: found.company, after: outcome.company },
      activeConnection: { companyId: input.companyId, studioId },
      timeline: { companyId: input.companyId, entries: outcome.timeline },
    });
    return { company: stored.company ?? outcome.company, connections: found.connections, token: issued.token };
  });
  const email = activationEmailFor(company, connections, token, deps.publicBaseUrl);
  await deps.mailer.sendActivationEmail(email);
  const pending = company.pendingActivation;
  if (pending === undefined) throw new Error('A resent activation is pending');
  return { requestedAt: pending.requestedAt, expiresAt: pending.expiresAt };
}
