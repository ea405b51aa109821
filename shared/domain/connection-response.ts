// The company's answer to a connection request, delivered by FIC as `connections.confirmed` / `.rejected`.
import type { Connection } from './connection.ts';
import { ConnectionAlreadyActiveError, ConnectionAlreadyRejectedError, UnknownConnectionRequestError } from './errors.ts';
import type { Instant } from './instant.ts';
import type { ConnectionOutcome } from './outcome.ts';

export interface ConnectionResponse {
  requestId: string;
  /** Id of the FIC event, recorded as the actor. */
  eventId: string;
}

function requireRequest(connection: Connection | undefined, requestId: string): Connection {
  if (connection === undefined || connection.requestId !== requestId) throw new UnknownConnectionRequestError(requestId);
  return connection;
}

/** `connection` is the one the repository found by `requestId`. A redelivered confirmation is a no-op. */
export function confirmConnection(
  connection: Connection | undefined,
  event: ConnectionResponse,
  now: Instant,
): ConnectionOutcome {
  const current = requireRequest(connection, event.requestId);
  if (current.status === 'active') return { connection: current, changed: false, timeline: [], effects: [] };
  if (current.status === 'rejected') throw new ConnectionAlreadyRejectedError(event.requestId);
  return {
    connection: { ...current, status: 'active', since: now },
    changed: true,
    timeline: [
      {
        at: now,
        actor: { kind: 'fic', eventId: event.eventId },
        action: 'connectionActivated',
        details: { studioId: current.studioId, requestId: event.requestId },
      },
    ],
    effects: [],
  };
}

/** A redelivered rejection is a no-op; a rejection after a confirmation contradicts it and is refused. */
export function rejectConnection(
  connection: Connection | undefined,
  event: ConnectionResponse,
  now: Instant,
): ConnectionOutcome {
  const current = requireRequest(connection, event.requestId);
  if (current.status === 'rejected') return { connection: current, changed: false, timeline: [], effects: [] };
  if (current.status === 'active') throw new ConnectionAlreadyActiveError(event.requestId);
  return {
    connection: { ...current, status: 'rejected', since: now },
    changed: true,
    timeline: [
      {
        at: now,
        actor: { kind: 'fic', eventId: event.eventId },
        action: 'connectionRejected',
        details: { studioId: current.studioId, requestId: event.requestId },
      },
    ],
    effects: [],
  };
}
