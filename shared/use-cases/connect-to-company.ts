// Case 3 (and any Studio joining a company it did not create): connect by Partita IVA; the company
// confirms inside Fatture in Cloud, so the connection stays pending until FIC tells us.
import type { Channel } from '#shared/domain/actor';
import { connectStudio } from '#shared/domain/connect-studio';
import type { Connection } from '#shared/domain/connection';
import { CompanyNotFoundError } from '#shared/domain/errors';
import { parseVatNumber } from '#shared/domain/identifiers';
import { studioViewOf } from '#shared/domain/visibility';
import type { StudioCompanyView } from '#shared/domain/visibility';
import type { Company } from '#shared/domain/company';
import { newId, retryOnConflict } from './common.ts';
import type { CoreDependencies, StudioIdentity } from './common.ts';
import type { ConnectionRequest, ConnectionRequestPublisher } from './ports.ts';

export interface ConnectToCompanyInput {
  studio: StudioIdentity;
  channel: Channel;
  vatNumber: string;
}

/**
 * CompanyNotFoundError for an unknown Partita IVA. The request to FIC is published after the commit;
 * while the connection is pending, connecting again publishes the same request again (same requestId,
 * the consumer is idempotent by it), so a publish that failed is repaired by the Studio retrying.
 */
export async function connectToCompany(
  deps: CoreDependencies & { connectionRequests: ConnectionRequestPublisher },
  input: ConnectToCompanyInput,
): Promise<{ view: StudioCompanyView; alreadyConnected: boolean }> {
  const vatNumber = parseVatNumber(input.vatNumber);
  const { studioId, displayName } = input.studio;
  const { company, connection, alreadyConnected } = await retryOnConflict(async (attempt) => {
    const found = await deps.repository.companyByVat(vatNumber, { read: attempt === 1 ? 'indexThenTable' : 'table' });
    if (found === undefined) throw new CompanyNotFoundError(`Partita IVA ${vatNumber}`);
    const existing = await deps.repository.connection(found.companyId, studioId);
    const outcome = connectStudio(
      found,
      existing?.connection,
      { studioId, channel: input.channel, requestId: newId() },
      deps.clock.now(),
    );
    if (outcome.changed) {
      await deps.repository.commit({
        connection: { before: existing?.connection, after: outcome.connection, displayName, companyName: found.name },
        timeline: { companyId: found.companyId, entries: outcome.timeline },
      });
    }
    return { company: found, connection: outcome.connection, alreadyConnected: !outcome.changed };
  });

  if (connection.status === 'pending' && connection.requestId !== undefined) {
    await deps.connectionRequests.publish(connectionRequestOf(company, connection, connection.requestId, displayName));
  }
  const view = studioViewOf(studioId, company, [connection]);
  if (view === undefined) throw new CompanyNotFoundError(`Partita IVA ${vatNumber}`);
  return { view, alreadyConnected };
}

function connectionRequestOf(company: Company, connection: Connection, requestId: string, studioName: string): ConnectionRequest {
  return {
    requestId,
    companyId: company.companyId,
    vatNumber: company.vatNumber,
    ...(company.ficCompanyId === undefined ? {} : { ficCompanyId: company.ficCompanyId }),
    studioId: connection.studioId,
    studioName,
  };
}
