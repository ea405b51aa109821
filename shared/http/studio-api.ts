/**
 * The Studio API's contract as zod schemas: what each operation takes and returns. The route
 * handlers validate with them, and the OpenAPI 3.1 document is generated from them, so the two
 * cannot drift (`test/e2e/openapi-contract.test.ts` checks real responses).
 */
import { z } from 'zod';
import { InvalidTaxCodeError, InvalidVatNumberError } from '#shared/domain/errors';
import { parseTaxCode, parseVatNumber } from '#shared/domain/identifiers';

// ---- Inputs -----------------------------------------------------------------------------------

export const serviceKindSchema = z.enum(['sdi', 'eRicevi']).meta({
  description: '`sdi`: sending invoices to SdI (Invio). `eRicevi`: receiving invoices (Ricezione).',
});

/** Partita IVA: 11 digits as a string (leading zeros matter), check digit and office code verified. */
export const vatNumberSchema = z
  .string()
  .trim()
  .regex(/^\d{11}$/, 'a Partita IVA is 11 digits')
  .transform((value, context) => {
    try {
      return parseVatNumber(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof InvalidVatNumberError ? error.message : 'invalid Partita IVA' });
      return z.NEVER;
    }
  })
  .meta({ description: 'Partita IVA: 11 digits, as a string.', examples: ['01234560017'] });

export const taxCodeSchema = z
  .string()
  .trim()
  .transform((value, context) => {
    try {
      return parseTaxCode(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof InvalidTaxCodeError ? error.message : 'invalid Codice Fiscale' });
      return z.NEVER;
    }
  })
  .meta({ description: 'Codice Fiscale: 11 digits (company) or 16 characters (person).' });

const companyName = z.string().trim().min(2).max(200).refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'control characters are not allowed');

export const createCompanyBody = z.strictObject({
  vatNumber: vatNumberSchema,
  taxCode: taxCodeSchema.optional(),
  name: companyName,
  email: z.email().max(254).meta({ description: "The company's address on Agyo: confirmation emails go here." }),
  extend: z
    .array(serviceKindSchema)
    .max(2)
    .refine((services) => new Set(services).size === services.length, 'each service at most once')
    .default([])
    .meta({ description: "The Studio's own services to extend to the company at once (case 2). Empty: case 1." }),
});

export const extendServicesBody = z.strictObject({
  services: z.array(serviceKindSchema).min(1).max(2).refine((services) => new Set(services).size === services.length, 'each service at most once'),
});

export const connectBody = z.strictObject({ vatNumber: vatNumberSchema });

/** Ids are opaque; anything else (slashes, dots, very long strings) cannot name a company. */
export const companyPath = z.object({ companyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,2048}$/).optional(),
});

// ---- Outputs ----------------------------------------------------------------------------------

const instant = z.string().meta({ format: 'date-time' });
const payerView = z.object({ kind: z.enum(['ficClient', 'thisStudio', 'anotherStudio']) });
const billingPeriod = z.object({ payer: payerView, from: instant, to: instant.optional() });
const serviceView = z.discriminatedUnion('status', [
  z.object({ status: z.literal('inactive'), history: z.array(billingPeriod) }),
  z.object({ status: z.literal('active'), payer: payerView, history: z.array(billingPeriod) }),
]);
const connectionView = z.object({
  status: z.enum(['active', 'pending', 'rejected']),
  since: instant,
  requestedBy: z.enum(['portal', 'lynfa']),
});
const einvoicing = z.discriminatedUnion('status', [
  z.object({ status: z.literal('notActivated') }),
  z.object({ status: z.literal('activated'), activatedAt: instant, lastEventId: z.string() }),
]);

export const companyView = z
  .discriminatedUnion('access', [
    z.object({
      access: z.literal('full'),
      companyId: z.string(),
      vatNumber: z.string(),
      taxCode: z.string().optional(),
      name: z.string(),
      email: z.string().optional(),
      connection: connectionView,
      services: z.object({ sdi: serviceView, eRicevi: serviceView }),
      einvoicing,
      activationPending: z.object({ requestedAt: instant, expiresAt: instant }).optional(),
    }),
    z.object({
      access: z.literal('redacted'),
      companyId: z.string(),
      vatNumber: z.string(),
      name: z.string(),
      connection: connectionView,
    }),
  ])
  .meta({ id: 'CompanyView', description: 'A company as this Studio may see it: in full once connected, redacted while pending.' });

export const connectionResult = z.object({ view: companyView, alreadyConnected: z.boolean() });

const serviceSummary = z.discriminatedUnion('status', [
  z.object({ status: z.literal('inactive') }),
  z.object({ status: z.literal('active'), payer: payerView, since: instant }),
]);

export const connectionListItem = z
  .discriminatedUnion('access', [
    z.object({
      access: z.literal('full'),
      companyId: z.string(),
      vatNumber: z.string(),
      name: z.string(),
      connection: connectionView,
      services: z.object({ sdi: serviceSummary, eRicevi: serviceSummary }),
      activationPending: z.boolean(),
    }),
    z.object({ access: z.literal('redacted'), companyId: z.string(), vatNumber: z.string(), name: z.string(), connection: connectionView }),
  ])
  .meta({ id: 'ConnectionListItem', description: 'One row of "Connessioni": services and payers once connected, redacted while pending.' });

export const connectionsPage = z.object({ items: z.array(connectionListItem), nextCursor: z.string().optional() });

const actor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('studio'), studioId: z.string(), channel: z.enum(['portal', 'lynfa']) }),
  z.object({ kind: z.literal('fic'), eventId: z.string() }),
  z.object({ kind: z.literal('company') }),
]);

export const timelinePage = z.object({
  items: z.array(z.object({ at: instant, actor, action: z.string(), details: z.record(z.string(), z.unknown()) })),
  nextCursor: z.string().optional(),
});

export const resendResult = z.object({ requestedAt: instant, expiresAt: instant });

/** API Gateway's own answer where no handler runs: the JWT authorizer's 401 (`{"message":"Unauthorized"}`). */
export const gatewayMessage = z
  .object({ message: z.string() })
  .meta({ id: 'GatewayMessage', description: "API Gateway's own answer, given before any handler runs (e.g. the JWT authorizer's 401)." });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });
