import { describe, expect, it } from 'vitest';
import { webhookRequest } from '../../../infra/local/fic-simulator.ts';
import {
  MalformedCloudEventError,
  maxEventBytes,
  parseStructuredCloudEvent,
  PayloadTooLargeError,
  readCloudEvent,
  serializeCloudEvent,
  UnsupportedMediaTypeError,
  type HttpMessage,
} from '#shared/fic/cloud-event';
import { activationEvent } from './support.ts';

const event = activationEvent();
const expected = { specversion: '1.0', ...event, datacontenttype: 'application/json' };

function binary(overrides: Record<string, string | undefined> = {}, body?: string): HttpMessage {
  const request = webhookRequest(event, 'token', 'binary');
  return { headers: { ...request.headers, ...overrides }, body: body ?? request.body };
}

function structured(contentType: string, envelope: Record<string, unknown> = expected): HttpMessage {
  return { headers: { 'content-type': contentType }, body: JSON.stringify(envelope) };
}

describe('reading a CloudEvent from FIC', () => {
  it.each([
    ['binary mode', binary()],
    ['binary mode, no charset', binary({ 'content-type': 'application/json' })],
    ['binary mode, quoted upper-case charset', binary({ 'content-type': 'Application/JSON; charset="UTF-8"' })],
    ['binary mode, base64-encoded body', { ...binary(), body: Buffer.from(binary().body!).toString('base64'), isBase64Encoded: true }],
    ['structured, application/cloudevents+json', structured('application/cloudevents+json')],
    ['structured, application/cloudevents+json; charset=utf-8', structured('application/cloudevents+json; charset=utf-8')],
    ['structured, application/json', structured('application/json')],
    ['structured, application/json; charset=UTF-8, base64', { ...structured('application/json; charset=UTF-8'), body: Buffer.from(JSON.stringify(expected)).toString('base64'), isBase64Encoded: true }],
  ])('reads %s into one structured event', (_mode, message) => {
    expect(readCloudEvent(message)).toEqual(expected);
  });

  it('keeps accented text intact through base64 and back through the queue', () => {
    const message = { ...binary(), body: Buffer.from(binary().body!, 'utf8').toString('base64'), isBase64Encoded: true };

    const read = readCloudEvent(message);

    expect((read.data as { name: string }).name).toBe("Caffè dell'Angolo");
    expect(parseStructuredCloudEvent(serializeCloudEvent(read))).toEqual(read);
  });

  it('keeps extension attributes of both modes', () => {
    expect(readCloudEvent(binary({ 'ce-traceparent': '00-abc-def-01' })).traceparent).toBe('00-abc-def-01');
    expect(readCloudEvent(structured('application/cloudevents+json', { ...expected, traceparent: 'x' })).traceparent).toBe('x');
  });

  it('accepts a binary event without a body (data absent), for the processor to judge', () => {
    const read = readCloudEvent({ headers: { ...binary().headers, 'content-type': undefined }, body: '' });
    expect(read.data).toBeUndefined();
  });

  it.each([
    ['text/plain', binary({ 'content-type': 'text/plain' })],
    ['a non-UTF-8 charset', binary({ 'content-type': 'application/json; charset=iso-8859-1' })],
    ['structured text/plain', structured('text/plain')],
    ['the batch format', structured('application/cloudevents-batch+json')],
    ['no content type and no ce-* headers', { headers: {}, body: JSON.stringify(expected) }],
  ])('refuses %s as unsupported media', (_case, message) => {
    expect(() => readCloudEvent(message)).toThrow(UnsupportedMediaTypeError);
  });

  it.each([
    ['specversion 0.3', binary({ 'ce-specversion': '0.3' })],
    ['no ce-id', binary({ 'ce-id': undefined })],
    ['no ce-type', binary({ 'ce-type': undefined })],
    ['no ce-source', binary({ 'ce-source': undefined })],
    ['a subject that is not company:<n>', binary({ 'ce-subject': 'user:12' })],
    ['a non-numeric company', binary({ 'ce-subject': 'company:abc' })],
    ['a time that is not RFC 3339', binary({ 'ce-time': 'yesterday' })],
    ['a body that is not JSON', binary({}, '{"data":')],
    ['a body that is a JSON array', binary({}, '[1]')],
    ['structured without id', structured('application/cloudevents+json', { ...expected, id: undefined })],
    ['structured with non-JSON datacontenttype', structured('application/cloudevents+json', { ...expected, datacontenttype: 'application/xml' })],
    ['a structured body that is a string', { headers: { 'content-type': 'application/json' }, body: '"hello"' }],
    ['invalid UTF-8', { headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), isBase64Encoded: true }],
  ])('refuses %s as malformed', (_case, message) => {
    expect(() => readCloudEvent(message)).toThrow(MalformedCloudEventError);
  });

  it('refuses a body beyond the size limit, base64 or not', () => {
    const data = { blob: 'x'.repeat(maxEventBytes) };
    const body = JSON.stringify({ data });

    expect(() => readCloudEvent(binary({}, body))).toThrow(PayloadTooLargeError);
    expect(() => readCloudEvent({ ...binary(), body: Buffer.from(body).toString('base64'), isBase64Encoded: true })).toThrow(PayloadTooLargeError);
  });
});
