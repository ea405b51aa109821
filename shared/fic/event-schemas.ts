/**
 * The data of each FIC event type we act on (FIC-WEBHOOKS.md, "The events this system takes"),
 * and the mapping from an authentic CloudEvent to the use cases' `FicEvent`. Anything that fails
 * here can never succeed on retry: the processor records it as rejected with the reason.
 */
import { z } from 'zod';
import type { FicEvent } from '#shared/use-cases/fic-event';
import { InvalidVatNumberError } from '#shared/domain/errors';
import { parseVatNumber } from '#shared/domain/identifiers';
import type { FicCloudEvent } from './cloud-event.ts';
import { companySubject, ficEventTypes } from './event-types.ts';

/** An authentic event whose content cannot be applied, ever. */
export class InvalidFicEventError extends Error {
  override name = 'InvalidFicEventError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

const ficCompanyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' });

const vatNumber = z.string().transform((value, context) => {
  try {
    return parseVatNumber(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof InvalidVatNumberError ? error.message : 'invalid Partita IVA' });
    return z.NEVER;
  }
});

export const einvoicingActivatedData = z.object({
  ficCompanyId,
  vatNumber,
  // Codice Fiscale: a company's is its 11 digits, a sole trader's the 16-character personal one.
  taxCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^(\d{11}|[A-Z0-9]{16})$/, 'must be 11 digits or 16 letters and digits')
    .optional()
    .or(z.literal('').transform(() => undefined))
    .or(z.null().transform(() => undefined)),
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'control characters are not allowed'),
  activatedAt: instant,
});

const requestId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_:.-]+$/, 'must be an id we issued');

export const connectionConfirmedData = z.object({ ficCompanyId, requestId, confirmedAt: instant });

/** FIC-WEBHOOKS.md says "same as above"; `rejectedAt` is accepted as the more natural spelling. */
export const connectionRejectedData = z
  .object({ ficCompanyId, requestId, rejectedAt: instant.optional(), confirmedAt: instant.optional() })
  .refine((data) => data.rejectedAt !== undefined || data.confirmedAt !== undefined, { message: 'rejectedAt is required', path: ['rejectedAt'] });

/** Maps an authentic CloudEvent of a processed type to the use cases' input; throws InvalidFicEventError. */
export function toFicEvent(event: FicCloudEvent): FicEvent {
  switch (event.type) {
    case ficEventTypes.einvoicingActivated: {
      const data = parseData(einvoicingActivatedData, event);
      return {
        kind: 'einvoicingActivated',
        eventId: event.id,
        ficCompanyId: String(data.ficCompanyId),
        vatNumber: data.vatNumber,
        ...(data.taxCode ? { taxCode: data.taxCode } : {}),
        name: data.name,
        activatedAt: toUtc(data.activatedAt),
      };
    }
    case ficEventTypes.connectionConfirmed: {
      const data = parseData(connectionConfirmedData, event);
      return { kind: 'connectionConfirmed', eventId: event.id, ficCompanyId: String(data.ficCompanyId), requestId: data.requestId, at: toUtc(data.confirmedAt) };
    }
    case ficEventTypes.connectionRejected: {
      const data = parseData(connectionRejectedData, event);
      const at = data.rejectedAt ?? data.confirmedAt!;
      return { kind: 'connectionRejected', eventId: event.id, ficCompanyId: String(data.ficCompanyId), requestId: data.requestId, at: toUtc(at) };
    }
    default:
      throw new InvalidFicEventError(`event type ${event.type} is not processed`);
  }
}

function parseData<S extends z.ZodType<{ ficCompanyId: number }>>(schema: S, event: FicCloudEvent): z.output<S> {
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `data${issue.path.map((part) => `.${String(part)}`).join('')}: ${issue.message}`);
    throw new InvalidFicEventError(reasons.join('; '));
  }
  if (event.subject !== companySubject(parsed.data.ficCompanyId)) {
    throw new InvalidFicEventError(`subject ${event.subject} does not match data.ficCompanyId ${parsed.data.ficCompanyId}`);
  }
  return parsed.data;
}

/** Instants travel as UTC ISO strings in this system (shared/domain/instant.ts). */
function toUtc(at: string): string {
  return new Date(at).toISOString();
}
