// Cases 1 and 2: a Studio creates the company (portal or STARTUPAGYO), extending none, one or both services.
import type { Channel } from '#shared/domain/actor';
import { createCompanyByStudio } from '#shared/domain/create-company';
import type { ServiceKind } from '#shared/domain/services';
import { studioViewOf } from '#shared/domain/visibility';
import type { StudioCompanyView } from '#shared/domain/visibility';
import { newId, retryOnConflict } from './common.ts';
import type { CoreDependencies, StudioIdentity } from './common.ts';

export interface CreateCompanyInput {
  studio: StudioIdentity;
  channel: Channel;
  vatNumber: string;
  taxCode?: string;
  name: string;
  email: string;
  extend: ServiceKind[];
}

/**
 * Throws CompanyAlreadyExistsError (with the existing company's id; its message says to connect
 * instead) when the Partita IVA is taken. There is no read first: the transaction that claims the
 * Partita IVA is the check, so 50 racing requests make exactly one company, in one request each.
 */
export async function createCompany(deps: CoreDependencies, input: CreateCompanyInput): Promise<StudioCompanyView> {
  const { studio } = input;
  const outcome = createCompanyByStudio(
    undefined,
    {
      companyId: newId(),
      studioId: studio.studioId,
      channel: input.channel,
      vatNumber: input.vatNumber,
      ...(input.taxCode === undefined ? {} : { taxCode: input.taxCode }),
      name: input.name,
      email: input.email,
      extend: input.extend,
    },
    deps.clock.now(),
  );
  const { company } = await retryOnConflict(() =>
    deps.repository.commit({
      company: { before: undefined, after: outcome.company },
      connection: {
        before: undefined,
        after: outcome.connection,
        displayName: studio.displayName,
        companyName: outcome.company.name,
      },
      timeline: { companyId: outcome.company.companyId, entries: outcome.timeline },
    }),
  );
  const view = studioViewOf(studio.studioId, company ?? outcome.company, [outcome.connection]);
  if (view === undefined) throw new Error('A company must be visible to the Studio that created it');
  return view;
}
