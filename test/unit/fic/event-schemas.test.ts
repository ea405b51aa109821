import { describe, expect, it } from 'vitest';
import { InvalidFicEventError, toFicEvent } from '#shared/fic/event-schemas';
import { ficEventTypes } from '#shared/fic/event-types';
import type { FicCloudEvent } from '#shared/fic/cloud-event';
import { activationEvent, validVat } from './support.ts';

function cloudEvent(type: string, data: unknown, subject = 'company:123'): FicCloudEvent {
  return { specversion: '1.0', id: '198:e-1', type, source: 'https://api-v2.fattureincloud.it', subject, time: '2026-12-03T10:00:00+01:00', data };
}

const activation = (data: Record<string, unknown>) => ({ specversion: '1.0' as const, ...activationEvent({ id: '198:e-1' }, data) });

describe('FIC event data', () => {
  it('maps einvoicing.activated to the use case input (ids as strings, instants in UTC)', () => {
    expect(toFicEvent(activation({}))).toEqual({
      kind: 'einvoicingActivated',
      eventId: '198:e-1',
      ficCompanyId: '123',
      vatNumber: validVat,
      taxCode: validVat,
      name: "Caffè dell'Angolo",
      activatedAt: '2026-12-03T09:00:00.000Z',
    });
  });

  it('takes a missing or empty taxCode as absent, and a personal Codice Fiscale upper-cased', () => {
    expect(toFicEvent(activation({ taxCode: undefined }))).not.toHaveProperty('taxCode');
    expect(toFicEvent(activation({ taxCode: '' }))).not.toHaveProperty('taxCode');
    expect(toFicEvent(activation({ taxCode: 'rssmra80a01h501u' }))).toMatchObject({ taxCode: 'RSSMRA80A01H501U' });
  });

  it('maps connections.confirmed and connections.rejected', () => {
    expect(toFicEvent(cloudEvent(ficEventTypes.connectionConfirmed, { ficCompanyId: 123, requestId: 'req-1', confirmedAt: '2026-12-03T10:00:00Z' }))).toEqual({
      kind: 'connectionConfirmed',
      eventId: '198:e-1',
      ficCompanyId: '123',
      requestId: 'req-1',
      at: '2026-12-03T10:00:00.000Z',
    });
    // FIC-WEBHOOKS.md: rejected carries "the same" fields; rejectedAt is taken when present.
    for (const at of [{ rejectedAt: '2026-12-03T10:00:00Z' }, { confirmedAt: '2026-12-03T10:00:00Z' }]) {
      expect(toFicEvent(cloudEvent(ficEventTypes.connectionRejected, { ficCompanyId: 123, requestId: 'req-1', ...at }))).toMatchObject({
        kind: 'connectionRejected',
        at: '2026-12-03T10:00:00.000Z',
      });
    }
  });

  it.each([
    ['a VAT number with a wrong check digit', activation({ vatNumber: '01234560018' }), /check digit/],
    ['a VAT number as a number', activation({ vatNumber: 1234560017 }), /vatNumber/],
    ['a VAT number of 10 digits', activation({ vatNumber: '0123456001' }), /11 digits/],
    ['ficCompanyId as a string', activation({ ficCompanyId: '123' }), /ficCompanyId/],
    ['ficCompanyId not matching the subject', activation({ ficCompanyId: 124 }), /subject company:123 does not match/],
    ['no name', activation({ name: undefined }), /name/],
    ['a name with control characters', activation({ name: 'A\u0000B' }), /control/],
    ['activatedAt that is not an instant', activation({ activatedAt: 'today' }), /activatedAt/],
    ['a malformed taxCode', activation({ taxCode: 'X' }), /taxCode/],
    ['no data at all', { ...activation({}), data: undefined }, /data/],
    ['a confirmation without requestId', cloudEvent(ficEventTypes.connectionConfirmed, { ficCompanyId: 123, confirmedAt: '2026-12-03T10:00:00Z' }), /requestId/],
    ['a rejection without an instant', cloudEvent(ficEventTypes.connectionRejected, { ficCompanyId: 123, requestId: 'r' }), /rejectedAt/],
    ['an unprocessed type', cloudEvent('it.fattureincloud.webhooks.entities.create', {}), /not processed/],
  ])('refuses %s with the reason', (_case, event, reason) => {
    let error: unknown;
    try {
      toFicEvent(event as FicCloudEvent);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidFicEventError);
    expect((error as InvalidFicEventError).reason).toMatch(reason);
  });
});
