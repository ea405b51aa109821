// One company as the Studio may see it: everything once connected, almost nothing while pending.
import { CompanyNotFoundError } from '#shared/domain/errors';
import { studioViewOf } from '#shared/domain/visibility';
import type { StudioCompanyView } from '#shared/domain/visibility';
import type { CoreDependencies } from './common.ts';

/** CompanyNotFoundError whether the company is missing or not visible: existence is never revealed. */
export async function getCompanyForStudio(
  deps: CoreDependencies,
  input: { studioId: string; companyId: string },
): Promise<StudioCompanyView> {
  const found = await deps.repository.companyWithConnections(input.companyId);
  const view =
    found === undefined
      ? undefined
      : studioViewOf(input.studioId, found.company, found.connections.map((record) => record.connection));
  if (view === undefined) throw new CompanyNotFoundError(input.companyId);
  return view;
}
