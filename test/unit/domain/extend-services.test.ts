import { describe, expect, it } from 'vitest';
import { confirmActivation } from '#shared/domain/confirm-activation';
import type { Connection } from '#shared/domain/connection';
import {
  NotConnectedError,
  ServiceAlreadyBilledToFicClientError,
  ServiceBilledToAnotherStudioError,
} from '#shared/domain/errors';
import { extendServices } from '#shared/domain/extend-services';
import { awaitingConfirmation, createdByFic, createdByStudio, later, OTHER_STUDIO, STUDIO } from './fixtures.ts';

const NOW = later(86_400);
const otherStudioActive = (companyId: string): Connection => ({
  studioId: OTHER_STUDIO,
  companyId,
  status: 'active',
  since: NOW,
  requestedBy: 'portal',
});

describe('extendServices', () => {
  it('a connected Studio extends an inactive service: it pays from now', () => {
    // Prepare
    const { company, connection } = createdByStudio();
    // Act
    const outcome = extendServices(company, connection, { studioId: STUDIO, channel: 'portal', services: ['sdi'] }, NOW);
    // Assess
    expect(outcome.changed).toBe(true);
    expect(outcome.company.services.sdi).toEqual({
      status: 'active',
      payer: { kind: 'studio', studioId: STUDIO },
      history: [{ payer: { kind: 'studio', studioId: STUDIO }, from: NOW }],
    });
    expect(outcome.company.services.eRicevi.status).toBe('inactive');
    expect(outcome.timeline).toEqual([
      {
        at: NOW,
        actor: { kind: 'studio', studioId: STUDIO, channel: 'portal' },
        action: 'serviceExtended',
        details: { service: 'sdi', payer: { kind: 'studio', studioId: STUDIO } },
      },
    ]);
  });

  it('is idempotent: extending again what the same Studio already pays changes nothing', () => {
    // Prepare
    const { company, connection } = createdByStudio(['sdi', 'eRicevi']);
    // Act
    const outcome = extendServices(company, connection, { studioId: STUDIO, channel: 'lynfa', services: ['sdi', 'eRicevi'] }, NOW);
    // Assess
    expect(outcome).toEqual({ company, changed: false, timeline: [], effects: [] });
  });

  it('extends only the missing one when asked for both', () => {
    // Prepare
    const { company, connection } = createdByStudio(['sdi']);
    // Act
    const outcome = extendServices(company, connection, { studioId: STUDIO, channel: 'portal', services: ['sdi', 'eRicevi'] }, NOW);
    // Assess
    expect(outcome.timeline.map((e) => e.details.service)).toEqual(['eRicevi']);
    expect(outcome.company.services.sdi).toBe(company.services.sdi);
  });

  it('refuses a Studio that is not connected', () => {
    const { company } = createdByStudio();
    expect(() => extendServices(company, undefined, { studioId: STUDIO, channel: 'portal', services: ['sdi'] }, NOW)).toThrow(
      NotConnectedError,
    );
  });

  it('refuses a connection that belongs to another Studio', () => {
    const { company, connection } = createdByStudio();
    expect(() =>
      extendServices(company, connection, { studioId: OTHER_STUDIO, channel: 'portal', services: ['sdi'] }, NOW),
    ).toThrow(NotConnectedError);
  });

  it.each(['pending', 'rejected'] as const)('refuses a %s connection', (status) => {
    // Prepare
    const { company, connection } = createdByStudio();
    // Act / Assess
    expect(() =>
      extendServices(company, { ...connection, status }, { studioId: STUDIO, channel: 'portal', services: ['sdi'] }, NOW),
    ).toThrow(expect.objectContaining({ name: 'NotConnectedError', connectionStatus: status }));
  });

  it('refuses a service already billed to the FIC client (case 3)', () => {
    // Prepare
    const company = createdByFic();
    const connection: Connection = { studioId: STUDIO, companyId: company.companyId, status: 'active', since: NOW, requestedBy: 'portal' };
    // Act / Assess
    expect(() => extendServices(company, connection, { studioId: STUDIO, channel: 'portal', services: ['eRicevi'] }, NOW)).toThrow(
      ServiceAlreadyBilledToFicClientError,
    );
  });

  it('refuses after confirmation, when the services passed to the FIC client', () => {
    // Prepare
    const { connection } = createdByStudio();
    const confirmed = confirmActivation(awaitingConfirmation(), { tokenHash: 'hash-1' }, NOW).company;
    // Act / Assess
    expect(() => extendServices(confirmed, connection, { studioId: STUDIO, channel: 'portal', services: ['sdi'] }, NOW)).toThrow(
      ServiceAlreadyBilledToFicClientError,
    );
  });

  it('a second Studio cannot take over a service another Studio pays for, and nothing changes', () => {
    // Prepare
    const { company } = createdByStudio(['sdi']);
    // Act / Assess
    expect(() =>
      extendServices(company, otherStudioActive(company.companyId), { studioId: OTHER_STUDIO, channel: 'portal', services: ['eRicevi', 'sdi'] }, NOW),
    ).toThrow(ServiceBilledToAnotherStudioError);
  });

  it('a second Studio may extend a service nobody pays for yet', () => {
    // Prepare
    const { company } = createdByStudio(['sdi']);
    // Act
    const outcome = extendServices(company, otherStudioActive(company.companyId), { studioId: OTHER_STUDIO, channel: 'lynfa', services: ['eRicevi'] }, NOW);
    // Assess
    expect(outcome.company.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'studio', studioId: OTHER_STUDIO } });
    expect(outcome.company.services.sdi).toMatchObject({ payer: { kind: 'studio', studioId: STUDIO } });
  });

  it('an empty list is a no-op', () => {
    const { company, connection } = createdByStudio();
    expect(extendServices(company, connection, { studioId: STUDIO, channel: 'portal', services: [] }, NOW).changed).toBe(false);
  });
});
