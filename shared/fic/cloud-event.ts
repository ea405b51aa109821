/**
 * CloudEvents 1.0 over HTTP as FIC sends them: binary mode (attributes in `ce-*` headers, body
 * `{"data": {...}}`) or structured mode (one JSON envelope, `application/cloudevents+json` or
 * `application/json`). Both become one `FicCloudEvent`, which travels on SQS as structured JSON.
 * Only the envelope is checked here; the data of each type is validated by the processor.
 */
import { z } from 'zod';

export interface FicCloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  /** `company:<numeric FIC company id>` */
  subject: string;
  /** RFC 3339, with offset. */
  time: string;
  datacontenttype?: string;
  data?: unknown;
  /** CloudEvents extension attributes, kept as received. */
  [extension: string]: unknown;
}

export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}

export class MalformedCloudEventError extends Error {
  override name = 'MalformedCloudEventError';
  constructor(
    message: string,
    /** `header:ce-id`, `/subject`, … */
    readonly pointer: string = '',
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`The body may hold at most ${limitBytes} bytes.`);
  }
}

/**
 * Below SQS's 256 KiB message limit, leaving room for the attributes that binary mode moves from
 * headers into the JSON envelope, and for the message attributes.
 */
export const maxEventBytes = 240 * 1024;

const contextAttributeNames = ['specversion', 'id', 'type', 'source', 'subject', 'time', 'datacontenttype'] as const;

const envelopeSchema = z.looseObject({
  specversion: z.literal('1.0', { error: 'must be "1.0"' }),
  id: z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  type: z.string().min(1).max(256).regex(/^[A-Za-z0-9._-]+$/, 'a dotted type name'),
  source: z.string().min(1).max(1024).regex(/^[\x21-\x7e]+$/, 'a URI reference'),
  subject: z.string().regex(/^company:[1-9]\d{0,15}$/, 'must be company:<numeric FIC company id>'),
  time: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' }),
  datacontenttype: z
    .string()
    .regex(/^application\/json\s*(;.*)?$/i, 'only application/json data is accepted')
    .optional(),
});

const extensionName = /^[a-z0-9]{1,20}$/;

export interface HttpMessage {
  /** Lower-cased header names, as API Gateway's payload v2 gives them. */
  headers: Record<string, string | undefined>;
  body?: string | undefined;
  isBase64Encoded?: boolean;
}

/** Reads a CloudEvent from an HTTP request, in either mode. */
export function readCloudEvent(message: HttpMessage): FicCloudEvent {
  const raw = decodeBody(message);
  const mediaType = parseMediaType(message.headers['content-type']);
  if (message.headers['ce-specversion'] !== undefined) return readBinary(message.headers, raw, mediaType);
  if (mediaType === undefined) throw new UnsupportedMediaTypeError('Send a CloudEvent: application/cloudevents+json, or application/json with ce-* headers or a structured envelope.');
  if (mediaType !== 'application/cloudevents+json' && mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError(`${mediaType} is not a CloudEvents JSON format.`);
  }
  return validateEnvelope(parseJsonObject(raw, ''), '/');
}

/** The event as it travels on SQS: structured-mode JSON. */
export function serializeCloudEvent(event: FicCloudEvent): string {
  return JSON.stringify(event);
}

/** Reads back what `serializeCloudEvent` wrote (the processor's input). */
export function parseStructuredCloudEvent(json: string): FicCloudEvent {
  return validateEnvelope(parseJsonObject(json, ''), '/');
}

function readBinary(headers: HttpMessage['headers'], raw: string, mediaType: string | undefined): FicCloudEvent {
  let data: unknown;
  if (raw.trim() !== '') {
    if (mediaType !== 'application/json') {
      throw new UnsupportedMediaTypeError(`Binary-mode CloudEvents must carry application/json data, not ${mediaType ?? 'no content type'}.`);
    }
    // FIC wraps the data: the body is {"data": {...}}.
    data = parseJsonObject(raw, '').data;
  }
  const envelope: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    const attribute = name.slice(3);
    if ((contextAttributeNames as readonly string[]).includes(attribute) || extensionName.test(attribute)) {
      envelope[attribute] = percentDecode(value, name);
    }
  }
  if (data !== undefined) {
    envelope.datacontenttype = 'application/json';
    envelope.data = data;
  }
  return validateEnvelope(envelope, 'header:ce-');
}

function validateEnvelope(candidate: Record<string, unknown>, pointerPrefix: '/' | 'header:ce-'): FicCloudEvent {
  const parsed = envelopeSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const attribute = String(issue.path[0] ?? '');
    const message = issue.code === 'invalid_type' && candidate[attribute] === undefined ? 'missing' : issue.message;
    throw new MalformedCloudEventError(`CloudEvent attribute "${attribute}": ${message}.`, `${pointerPrefix}${attribute}`);
  }
  return parsed.data as FicCloudEvent;
}

function decodeBody(message: HttpMessage): string {
  const body = message.body ?? '';
  // Base64 inflates by 4/3: a body already far beyond the limit is refused before decoding.
  if (body.length > (message.isBase64Encoded ? Math.ceil((maxEventBytes * 4) / 3) + 4 : maxEventBytes * 4)) {
    throw new PayloadTooLargeError(maxEventBytes);
  }
  const bytes = message.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > maxEventBytes) throw new PayloadTooLargeError(maxEventBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedCloudEventError('The body is not valid UTF-8.');
  }
}

/** `application/json; charset="UTF-8"` → `application/json`; other charsets are refused. */
function parseMediaType(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const [type, ...parameters] = header.split(';');
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=');
    if (name?.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaTypeError(`charset ${charset} is not supported: send UTF-8.`);
  }
  return type!.trim().toLowerCase();
}

function parseJsonObject(raw: string, pointer: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new MalformedCloudEventError('The body is not valid JSON.', pointer);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedCloudEventError('The body must be a JSON object.', pointer);
  }
  return value as Record<string, unknown>;
}

/** CloudEvents' HTTP binding percent-encodes header values outside printable ASCII. */
function percentDecode(value: string, header: string): string {
  try {
    return decodeURIComponent(value.trim());
  } catch {
    throw new MalformedCloudEventError(`Header ${header} is not valid percent-encoding.`, `header:${header}`);
  }
}
