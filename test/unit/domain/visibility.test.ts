import { describe, expect, it } from 'vitest';
import type { Connection } from '#shared/domain/connection';
import type { TimelineEntry } from '#shared/domain/timeline';
import { ANOTHER_STUDIO, studioViewOf, timelineVisibleTo, visibleTo } from '#shared/domain/visibility';
import { awaitingConfirmation, createdByFic, later, OTHER_STUDIO, STUDIO, T0, VAT } from './fixtures.ts';

function connection(studioId: string, companyId: string, status: Connection['status']): Connection {
  return { studioId, companyId, status, since: T0, requestedBy: 'portal', requestId: 'req-1' };
}

describe('visibility', () => {
  it('a Studio sees only companies it is connected to (active or pending), not rejected ones', () => {
    // Prepare
    const company = createdByFic();
    // Act / Assess
    expect(visibleTo(STUDIO, company, [])).toBe(false);
    expect(visibleTo(STUDIO, company, [connection(OTHER_STUDIO, company.companyId, 'active')])).toBe(false);
    expect(visibleTo(STUDIO, company, [connection(STUDIO, 'another-company', 'active')])).toBe(false);
    expect(visibleTo(STUDIO, company, [connection(STUDIO, company.companyId, 'rejected')])).toBe(false);
    expect(visibleTo(STUDIO, company, [connection(STUDIO, company.companyId, 'pending')])).toBe(true);
    expect(visibleTo(STUDIO, company, [connection(STUDIO, company.companyId, 'active')])).toBe(true);
  });

  it('no view at all without a connection, or after a rejection', () => {
    const company = createdByFic();
    expect(studioViewOf(STUDIO, company, [])).toBeUndefined();
    expect(studioViewOf(STUDIO, company, [connection(STUDIO, company.companyId, 'rejected')])).toBeUndefined();
  });

  it('pending: a redacted view — Partita IVA, name, connection status; no email, services or activation', () => {
    // Prepare
    const company = awaitingConfirmation(['sdi']);
    // Act
    const view = studioViewOf(OTHER_STUDIO, company, [connection(OTHER_STUDIO, company.companyId, 'pending')]);
    // Assess
    expect(view).toEqual({
      access: 'redacted',
      companyId: company.companyId,
      vatNumber: VAT,
      name: company.name,
      connection: { status: 'pending', since: T0, requestedBy: 'portal' },
    });
  });

  it('active: the full view, without the token hash, and with other Studios anonymous', () => {
    // Prepare: STUDIO extended sdi; OTHER_STUDIO is also actively connected.
    const company = awaitingConfirmation(['sdi']);
    const connections = [connection(STUDIO, company.companyId, 'active'), connection(OTHER_STUDIO, company.companyId, 'active')];
    // Act
    const mine = studioViewOf(STUDIO, company, connections);
    const theirs = studioViewOf(OTHER_STUDIO, company, connections);
    // Assess
    expect(mine).toMatchObject({
      access: 'full',
      email: company.email,
      services: { sdi: { status: 'active', payer: { kind: 'thisStudio' } }, eRicevi: { status: 'inactive' } },
      activationPending: { requestedAt: company.pendingActivation?.requestedAt, expiresAt: company.pendingActivation?.expiresAt },
    });
    expect(JSON.stringify(mine)).not.toContain('hash-1');
    expect(theirs).toMatchObject({ services: { sdi: { payer: { kind: 'anotherStudio' }, history: [{ payer: { kind: 'anotherStudio' } }] } } });
    expect(JSON.stringify(theirs)).not.toContain(STUDIO);
  });

  it('the timeline: none while pending, all once active, with other Studios anonymous', () => {
    // Prepare
    const company = createdByFic();
    const entries: TimelineEntry[] = [
      { at: T0, actor: { kind: 'fic', eventId: 'e1' }, action: 'companyCreated', details: { vatNumber: VAT } },
      { at: later(1), actor: { kind: 'studio', studioId: OTHER_STUDIO, channel: 'lynfa' }, action: 'connectionRequested', details: { studioId: OTHER_STUDIO } },
      { at: later(2), actor: { kind: 'fic', eventId: 'e2' }, action: 'connectionActivated', details: { studioId: STUDIO, nested: [{ studioId: OTHER_STUDIO }] } },
    ];
    // Act
    const whilePending = timelineVisibleTo(STUDIO, company, [connection(STUDIO, company.companyId, 'pending')], entries);
    const onceActive = timelineVisibleTo(STUDIO, company, [connection(STUDIO, company.companyId, 'active')], entries);
    // Assess
    expect(whilePending).toEqual([]);
    expect(onceActive).toHaveLength(3);
    expect(onceActive[1]?.actor).toEqual({ kind: 'studio', studioId: ANOTHER_STUDIO, channel: 'lynfa' });
    expect(onceActive[2]?.details).toEqual({ studioId: STUDIO, nested: [{ studioId: ANOTHER_STUDIO }] });
    expect(JSON.stringify(onceActive)).not.toContain(OTHER_STUDIO);
  });
});
