// Case 3 (and any Studio joining a company it did not create): the Studio asks to connect, the company
// confirms inside Fatture in Cloud.
import { studioActor } from './actor.ts';
import type { Channel } from './actor.ts';
import type { Company } from './company.ts';
import type { Connection } from './connection.ts';
import type { Instant } from './instant.ts';
import type { ConnectionOutcome } from './outcome.ts';

export interface ConnectStudio {
  studioId: string;
  channel: Channel;
  /** Fresh id for the request sent to FIC; FIC echoes it back when the company answers. */
  requestId: string;
}

/**
 * `existing` is this Studio's connection to this company, if any.
 *
 * Every connection made this way is `pending` until the company confirms, whoever created the company:
 * FIC (case 3) or another Studio. A Studio must never gain access to a company's data by merely knowing
 * its Partita IVA. The confirmation goes through FIC's in-app notification rather than the Agyo email
 * because, for a company another Studio created, that Studio typed the email: only FIC reaches the
 * company itself. The services are untouched: they stay with whoever pays for them now.
 *
 * Asking again while pending or active changes nothing and sends nothing. After a rejection the Studio
 * may ask again: a new request with a new id, which the company is again free to refuse.
 */
export function connectStudio(
  company: Company,
  existing: Connection | undefined,
  command: ConnectStudio,
  now: Instant,
): ConnectionOutcome {
  if (existing !== undefined && existing.status !== 'rejected') {
    return { connection: existing, changed: false, timeline: [], effects: [] };
  }
  const connection: Connection = {
    studioId: command.studioId,
    companyId: company.companyId,
    status: 'pending',
    since: now,
    requestedBy: command.channel,
    requestId: command.requestId,
  };
  return {
    connection,
    changed: true,
    timeline: [
      {
        at: now,
        actor: studioActor(command.studioId, command.channel),
        action: 'connectionRequested',
        details: { studioId: command.studioId, requestId: command.requestId },
      },
    ],
    effects: [
      {
        kind: 'requestConnectionInFic',
        requestId: command.requestId,
        companyId: company.companyId,
        vatNumber: company.vatNumber,
        ...(company.ficCompanyId === undefined ? {} : { ficCompanyId: company.ficCompanyId }),
        studioId: command.studioId,
      },
    ],
  };
}
