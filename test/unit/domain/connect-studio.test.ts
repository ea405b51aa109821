import { describe, expect, it } from 'vitest';
import { connectStudio } from '#shared/domain/connect-studio';
import type { Connection } from '#shared/domain/connection';
import { createdByFic, createdByStudio, later, OTHER_STUDIO, STUDIO, VAT } from './fixtures.ts';

const NOW = later(7200);

describe('connectStudio', () => {
  it('case 3: a Studio connects to a company created from FIC — pending, FIC asked to notify the company', () => {
    // Prepare
    const company = createdByFic();
    // Act
    const outcome = connectStudio(company, undefined, { studioId: STUDIO, channel: 'lynfa', requestId: 'req-1' }, NOW);
    // Assess
    expect(outcome.changed).toBe(true);
    expect(outcome.connection).toEqual({
      studioId: STUDIO,
      companyId: company.companyId,
      status: 'pending',
      since: NOW,
      requestedBy: 'lynfa',
      requestId: 'req-1',
    });
    expect(outcome.effects).toEqual([
      { kind: 'requestConnectionInFic', requestId: 'req-1', companyId: company.companyId, vatNumber: VAT, ficCompanyId: 'fic-42', studioId: STUDIO },
    ]);
    expect(outcome.timeline).toEqual([
      {
        at: NOW,
        actor: { kind: 'studio', studioId: STUDIO, channel: 'lynfa' },
        action: 'connectionRequested',
        details: { studioId: STUDIO, requestId: 'req-1' },
      },
    ]);
  });

  it('leaves the services with the FIC client', () => {
    // Prepare
    const company = createdByFic();
    // Act
    const outcome = connectStudio(company, undefined, { studioId: STUDIO, channel: 'portal', requestId: 'req-1' }, NOW);
    // Assess: the rule does not even return a company, it cannot touch the services.
    expect(outcome).not.toHaveProperty('company');
  });

  it('a company created by another Studio also needs its confirmation: pending, never active at once', () => {
    // Prepare
    const { company } = createdByStudio();
    // Act
    const outcome = connectStudio(company, undefined, { studioId: OTHER_STUDIO, channel: 'portal', requestId: 'req-2' }, NOW);
    // Assess
    expect(outcome.connection.status).toBe('pending');
    expect(outcome.effects).toEqual([
      { kind: 'requestConnectionInFic', requestId: 'req-2', companyId: company.companyId, vatNumber: VAT, studioId: OTHER_STUDIO },
    ]);
  });

  it.each(['pending', 'active'] as const)('connecting twice while %s is harmless: same connection, no new request', (status) => {
    // Prepare
    const company = createdByFic();
    const existing: Connection = { studioId: STUDIO, companyId: company.companyId, status, since: later(60), requestedBy: 'portal', requestId: 'req-1' };
    // Act
    const outcome = connectStudio(company, existing, { studioId: STUDIO, channel: 'lynfa', requestId: 'req-9' }, NOW);
    // Assess
    expect(outcome).toEqual({ connection: existing, changed: false, timeline: [], effects: [] });
  });

  it('after a rejection the Studio may ask again, with a new request id', () => {
    // Prepare
    const company = createdByFic();
    const rejected: Connection = { studioId: STUDIO, companyId: company.companyId, status: 'rejected', since: later(60), requestedBy: 'portal', requestId: 'req-1' };
    // Act
    const outcome = connectStudio(company, rejected, { studioId: STUDIO, channel: 'portal', requestId: 'req-2' }, NOW);
    // Assess
    expect(outcome.connection).toMatchObject({ status: 'pending', requestId: 'req-2', since: NOW });
    expect(outcome.effects).toHaveLength(1);
  });
});
