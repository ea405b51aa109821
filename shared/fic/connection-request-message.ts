/** A `ConnectionRequest` as it travels on the `ficOutbound` queue (JSON), and its schema. */
import { z } from 'zod';
import type { ConnectionRequest } from '#shared/use-cases/ports';

const id = z.string().min(1).max(128);

export const connectionRequestSchema = z.object({
  requestId: id.regex(/^[A-Za-z0-9_:.-]+$/),
  companyId: id,
  vatNumber: z.string().regex(/^\d{11}$/),
  ficCompanyId: z.string().regex(/^\d{1,16}$/).optional(),
  studioId: id,
  studioName: z.string().min(1).max(200),
}) satisfies z.ZodType<ConnectionRequest>;

export function serializeConnectionRequest(request: ConnectionRequest): string {
  return JSON.stringify(connectionRequestSchema.parse(request));
}

export const requestMessageAttributes = { requestId: 'requestId' } as const;
