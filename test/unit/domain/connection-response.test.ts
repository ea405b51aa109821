import { describe, expect, it } from 'vitest';
import { confirmConnection, rejectConnection } from '#shared/domain/connection-response';
import type { Connection } from '#shared/domain/connection';
import {
  ConnectionAlreadyActiveError,
  ConnectionAlreadyRejectedError,
  UnknownConnectionRequestError,
} from '#shared/domain/errors';
import { later, STUDIO } from './fixtures.ts';

const NOW = later(9000);
const pending: Connection = {
  studioId: STUDIO,
  companyId: 'company-3',
  status: 'pending',
  since: later(60),
  requestedBy: 'lynfa',
  requestId: 'req-1',
};
const event = { requestId: 'req-1', eventId: 'evt-c1' };

describe('confirmConnection (FIC connections.confirmed)', () => {
  it('pending → active, from now, recorded as done by FIC', () => {
    // Act
    const outcome = confirmConnection(pending, event, NOW);
    // Assess
    expect(outcome.changed).toBe(true);
    expect(outcome.connection).toEqual({ ...pending, status: 'active', since: NOW });
    expect(outcome.timeline).toEqual([
      { at: NOW, actor: { kind: 'fic', eventId: 'evt-c1' }, action: 'connectionActivated', details: { studioId: STUDIO, requestId: 'req-1' } },
    ]);
  });

  it('a duplicate confirmation is a no-op', () => {
    // Prepare
    const active = confirmConnection(pending, event, NOW).connection;
    // Act
    const outcome = confirmConnection(active, { ...event, eventId: 'evt-c1-again' }, later(60, NOW));
    // Assess
    expect(outcome).toEqual({ connection: active, changed: false, timeline: [], effects: [] });
  });

  it('confirming a rejected request is refused', () => {
    expect(() => confirmConnection({ ...pending, status: 'rejected' }, event, NOW)).toThrow(ConnectionAlreadyRejectedError);
  });

  it('an unknown request id is refused', () => {
    expect(() => confirmConnection(undefined, event, NOW)).toThrow(UnknownConnectionRequestError);
    expect(() => confirmConnection(pending, { ...event, requestId: 'req-other' }, NOW)).toThrow(UnknownConnectionRequestError);
  });
});

describe('rejectConnection (FIC connections.rejected)', () => {
  it('pending → rejected', () => {
    // Act
    const outcome = rejectConnection(pending, event, NOW);
    // Assess
    expect(outcome.connection).toEqual({ ...pending, status: 'rejected', since: NOW });
    expect(outcome.timeline.map((e) => e.action)).toEqual(['connectionRejected']);
  });

  it('a duplicate rejection is a no-op', () => {
    const rejected = rejectConnection(pending, event, NOW).connection;
    expect(rejectConnection(rejected, event, NOW)).toEqual({ connection: rejected, changed: false, timeline: [], effects: [] });
  });

  it('rejecting an already confirmed request is refused', () => {
    expect(() => rejectConnection({ ...pending, status: 'active' }, event, NOW)).toThrow(ConnectionAlreadyActiveError);
  });

  it('an unknown request id is refused', () => {
    expect(() => rejectConnection(undefined, event, NOW)).toThrow(UnknownConnectionRequestError);
  });
});
