// The link between a Studio and a Company (connessione), shown in "Connessioni" and in STARTUPAGYO.
import type { Channel } from './actor.ts';
import { NotConnectedError } from './errors.ts';
import type { Instant } from './instant.ts';

/** `pending`: waiting for the company to confirm in FIC. `rejected`: the company said no. */
export type ConnectionStatus = 'active' | 'pending' | 'rejected';

export interface Connection {
  studioId: string;
  companyId: string;
  status: ConnectionStatus;
  /** When the current status began. */
  since: Instant;
  requestedBy: Channel;
  /** Id sent to FIC with the connection request; FIC echoes it in `connections.confirmed` / `.rejected`. */
  requestId?: string;
}

/** Throws NotConnectedError unless `connection` is this Studio's active connection to this company. */
export function requireActiveConnection(
  connection: Connection | undefined,
  studioId: string,
  companyId: string,
): void {
  if (connection === undefined || connection.studioId !== studioId || connection.companyId !== companyId) {
    throw new NotConnectedError(studioId, companyId, 'none');
  }
  if (connection.status !== 'active') throw new NotConnectedError(studioId, companyId, connection.status);
}
