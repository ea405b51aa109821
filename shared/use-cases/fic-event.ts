// Fatture in Cloud's events as the use cases take them (the webhook's CloudEvents, already authenticated
// and validated in shape by `#shared/fic/event-schemas`).
import type { FicActivationEvent } from '#shared/domain/fic-activation';
import type { Instant } from '#shared/domain/instant';

export type FicEvent =
  /** `einvoicing.activated`: the company switched on e-invoicing inside FIC. */
  | ({ kind: 'einvoicingActivated' } & FicActivationEvent)
  | {
      /** `connections.confirmed` / `connections.rejected`: the company answered a Studio's request. */
      kind: 'connectionConfirmed' | 'connectionRejected';
      eventId: string;
      ficCompanyId: string;
      requestId: string;
      at: Instant;
    };

export interface FicEventResult {
  outcome: 'applied' | 'duplicate' | 'ignored';
  detail?: string;
}
