// Cases 1 and 2: a Studio creates the company from the portal or from Lynfa (STARTUPAGYO),
// extending none, one or both of its own services.
import { studioActor } from './actor.ts';
import type { Channel } from './actor.ts';
import type { Company } from './company.ts';
import type { Connection } from './connection.ts';
import { CompanyAlreadyExistsError } from './errors.ts';
import { parseTaxCode, parseVatNumber } from './identifiers.ts';
import type { Instant } from './instant.ts';
import { billTo, INACTIVE_SERVICE, SERVICE_KINDS } from './services.ts';
import type { ServiceKind } from './services.ts';
import type { Effect } from './effects.ts';
import type { TimelineEntry } from './timeline.ts';

export interface CreateCompanyByStudio {
  companyId: string;
  studioId: string;
  channel: Channel;
  vatNumber: string;
  taxCode?: string;
  name: string;
  email: string;
  ficCompanyId?: string;
  /** Services the Studio extends (estende) to the company, paid by the Studio from now on. */
  extend: readonly ServiceKind[];
}

export interface CreateCompanyOutcome {
  company: Company;
  connection: Connection;
  timeline: TimelineEntry[];
  effects: Effect[];
}

/**
 * `existing` is the company already stored under this Partita IVA, if any: the repository still has to
 * make the write conditional, since two Studios may race past this check.
 */
export function createCompanyByStudio(
  existing: Company | undefined,
  command: CreateCompanyByStudio,
  now: Instant,
): CreateCompanyOutcome {
  const vatNumber = parseVatNumber(command.vatNumber);
  if (existing !== undefined) throw new CompanyAlreadyExistsError(existing.vatNumber, existing.companyId);

  const actor = studioActor(command.studioId, command.channel);
  const payer = { kind: 'studio', studioId: command.studioId } as const;
  const extended = SERVICE_KINDS.filter((kind) => command.extend.includes(kind));
  const services = {
    sdi: extended.includes('sdi') ? billTo(INACTIVE_SERVICE, payer, now) : INACTIVE_SERVICE,
    eRicevi: extended.includes('eRicevi') ? billTo(INACTIVE_SERVICE, payer, now) : INACTIVE_SERVICE,
  };

  const company: Company = {
    companyId: command.companyId,
    vatNumber,
    ...(command.taxCode === undefined ? {} : { taxCode: parseTaxCode(command.taxCode) }),
    name: command.name.trim(),
    email: command.email.trim(),
    ...(command.ficCompanyId === undefined ? {} : { ficCompanyId: command.ficCompanyId }),
    createdBy: actor,
    createdAt: now,
    version: 1,
    services,
    einvoicing: { status: 'notActivated' },
  };
  // The Studio made the company, so there is nobody else to ask: the connection is active at once.
  const connection: Connection = {
    studioId: command.studioId,
    companyId: command.companyId,
    status: 'active',
    since: now,
    requestedBy: command.channel,
  };
  const timeline: TimelineEntry[] = [
    { at: now, actor, action: 'companyCreated', details: { vatNumber, name: company.name } },
    { at: now, actor, action: 'connectionActivated', details: { studioId: command.studioId } },
    ...extended.map(
      (service): TimelineEntry => ({
        at: now,
        actor,
        action: 'serviceExtended',
        details: { service, payer: { kind: 'studio', studioId: command.studioId } },
      }),
    ),
  ];
  return { company, connection, timeline, effects: [] };
}
