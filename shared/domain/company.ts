// The company (azienda cliente) as Agyo knows it. One per Partita IVA.
import type { Actor } from './actor.ts';
import type { Instant } from './instant.ts';
import { FIC_CLIENT, isBilledTo, SERVICE_KINDS } from './services.ts';
import type { ServiceKind, ServiceState } from './services.ts';

/** E-invoicing in Fatture in Cloud (attivazione del servizio di fatturazione elettronica), as FIC last told us. */
export type EInvoicing =
  | { status: 'notActivated' }
  | {
      status: 'activated';
      activatedAt: Instant;
      /** Id of the FIC event that set `activatedAt`: a redelivery of it is recognised and ignored. */
      lastEventId: string;
    };

/**
 * The confirmation email awaiting the company's click (conferma attivazione). Only the hash of the
 * random token is kept: the repository finds the company by it, and a stolen table gives no usable link.
 */
export interface PendingActivation {
  tokenHash: string;
  /** When this email was (to be) sent; also the clock for the resend rate limit. */
  requestedAt: Instant;
  expiresAt: Instant;
}

export interface Company {
  companyId: string;
  /** Partita IVA: 11 digits, kept as a string. */
  vatNumber: string;
  /** Codice Fiscale, when known. */
  taxCode?: string;
  name: string;
  /** The address registered on Agyo; absent for companies created from FIC (case 3). */
  email?: string;
  /** The company's id in Fatture in Cloud, known once FIC has told us about it. */
  ficCompanyId?: string;
  createdBy: Actor;
  createdAt: Instant;
  /** Optimistic-concurrency counter: 1 at creation; rules never change it, the repository bumps it on each update. */
  version: number;
  services: Record<ServiceKind, ServiceState>;
  einvoicing: EInvoicing;
  pendingActivation?: PendingActivation;
}

/** True once both services are billed to the FIC client: the end state of all three cases. */
export function isWithFicClient(company: Company): boolean {
  return SERVICE_KINDS.every((kind) => isBilledTo(company.services[kind], FIC_CLIENT));
}
