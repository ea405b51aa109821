// Extension (estendere i servizi): a connected Studio makes itself the payer of sdi and/or eRicevi (case 2).
import type { Channel } from '#shared/domain/actor';
import { CompanyNotFoundError } from '#shared/domain/errors';
import { extendServices } from '#shared/domain/extend-services';
import type { ServiceKind } from '#shared/domain/services';
import { studioViewOf, visibleTo } from '#shared/domain/visibility';
import type { StudioCompanyView } from '#shared/domain/visibility';
import { retryOnConflict } from './common.ts';
import type { CoreDependencies, StudioIdentity } from './common.ts';

export interface ExtendServicesInput {
  studio: StudioIdentity;
  channel: Channel;
  companyId: string;
  services: ServiceKind[];
}

/**
 * CompanyNotFoundError when the Studio may not see the company; otherwise the domain's errors
 * (NotConnectedError while pending, ServiceAlreadyBilledToFicClientError, ServiceBilledToAnotherStudioError).
 * Racing extensions and confirmations are serialised by the company's version: each retry re-reads.
 */
export async function extendServicesForStudio(
  deps: CoreDependencies,
  input: ExtendServicesInput,
): Promise<StudioCompanyView> {
  const { studioId } = input.studio;
  return retryOnConflict(async () => {
    const found = await deps.repository.companyWithConnections(input.companyId);
    const connections = found?.connections.map((record) => record.connection) ?? [];
    if (found === undefined || !visibleTo(studioId, found.company, connections)) {
      throw new CompanyNotFoundError(input.companyId);
    }
    const connection = connections.find((c) => c.studioId === studioId);
    const outcome = extendServices(
      found.company,
      connection,
      { studioId, channel: input.channel, services: input.services },
      deps.clock.now(),
    );
    let company = found.company;
    if (outcome.changed) {
      const stored = await deps.repository.commit({
        company: { before: found.company, after: outcome.company },
        activeConnection: { companyId: input.companyId, studioId },
        timeline: { companyId: input.companyId, entries: outcome.timeline },
      });
      company = stored.company ?? outcome.company;
    }
    const view = studioViewOf(studioId, company, connections);
    if (view === undefined) throw new CompanyNotFoundError(input.companyId);
    return view;
  });
}
