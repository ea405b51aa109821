// Extension (estendere i servizi): a Studio lets the company use its own sdi / eRicevi and pays for them.
import { studioActor } from './actor.ts';
import type { Channel } from './actor.ts';
import type { Company } from './company.ts';
import { requireActiveConnection } from './connection.ts';
import type { Connection } from './connection.ts';
import { ServiceAlreadyBilledToFicClientError, ServiceBilledToAnotherStudioError } from './errors.ts';
import type { Instant } from './instant.ts';
import type { CompanyOutcome } from './outcome.ts';
import { billTo, isBilledTo, SERVICE_KINDS } from './services.ts';
import type { Payer, ServiceKind } from './services.ts';
import type { TimelineEntry } from './timeline.ts';

export interface ExtendServices {
  studioId: string;
  channel: Channel;
  services: readonly ServiceKind[];
}

/**
 * All-or-nothing: every requested service is checked before any is changed. A service this Studio
 * already pays for is left as it is, so a retried request is harmless (`changed: false`, no entry).
 */
export function extendServices(
  company: Company,
  connection: Connection | undefined,
  command: ExtendServices,
  now: Instant,
): CompanyOutcome {
  requireActiveConnection(connection, command.studioId, company.companyId);
  const payer: Payer = { kind: 'studio', studioId: command.studioId };

  const toExtend = SERVICE_KINDS.filter((kind) => command.services.includes(kind)).filter((kind) => {
    const state = company.services[kind];
    if (state.status === 'inactive') return true;
    if (state.payer.kind === 'ficClient') throw new ServiceAlreadyBilledToFicClientError(company.companyId, kind);
    if (!isBilledTo(state, payer)) throw new ServiceBilledToAnotherStudioError(company.companyId, kind);
    return false;
  });
  if (toExtend.length === 0) return { company, changed: false, timeline: [], effects: [] };

  const services = { ...company.services };
  for (const kind of toExtend) services[kind] = billTo(services[kind], payer, now);
  const actor = studioActor(command.studioId, command.channel);
  const timeline = toExtend.map(
    (service): TimelineEntry => ({
      at: now,
      actor,
      action: 'serviceExtended',
      details: { service, payer: { kind: 'studio', studioId: command.studioId } },
    }),
  );
  return { company: { ...company, services }, changed: true, timeline, effects: [] };
}
