// The three cases of the source document, each from the first request to the end state.
import { describe, expect, it } from 'vitest';
import { confirmActivation } from '#shared/domain/confirm-activation';
import { connectStudio } from '#shared/domain/connect-studio';
import { confirmConnection } from '#shared/domain/connection-response';
import { createCompanyByStudio } from '#shared/domain/create-company';
import { isWithFicClient } from '#shared/domain/company';
import { applyFicActivation } from '#shared/domain/fic-activation';
import { studioViewOf } from '#shared/domain/visibility';
import { ficEvent, later, STUDIO, T0, VAT } from './fixtures.ts';

const create = (extend: ('sdi' | 'eRicevi')[]) =>
  createCompanyByStudio(
    undefined,
    { companyId: 'c1', studioId: STUDIO, channel: 'lynfa', vatNumber: VAT, name: 'Ferramenta Società Cooperativa', email: 'a@b.example', extend },
    T0,
  );

describe('the three cases', () => {
  it.each([
    ['1: created without extension', [] as ('sdi' | 'eRicevi')[]],
    ['2: created extending sdi and eRicevi', ['sdi', 'eRicevi'] as ('sdi' | 'eRicevi')[]],
  ])('case %s → FIC activation → email → confirmation → both with the FIC client', (_label, extend) => {
    // Prepare
    const { company, connection } = create(extend);
    // Act
    const activated = applyFicActivation(company, ficEvent({ activatedAt: later(100) }), { companyId: 'x', tokenHash: 'h' }, later(100));
    const confirmed = confirmActivation(activated.company, { tokenHash: 'h' }, later(200));
    // Assess
    expect(activated.effects.map((e) => e.kind)).toEqual(['sendActivationEmail']);
    expect(isWithFicClient(confirmed.company)).toBe(true);
    // What both the portal and STARTUPAGYO read:
    expect(studioViewOf(STUDIO, confirmed.company, [connection])).toMatchObject({
      access: 'full',
      services: { sdi: { status: 'active', payer: { kind: 'ficClient' } }, eRicevi: { status: 'active', payer: { kind: 'ficClient' } } },
    });
  });

  it('case 3: FIC activation creates the company → Studio connects (pending) → company confirms in FIC → active', () => {
    // Prepare
    const created = applyFicActivation(undefined, ficEvent({ activatedAt: T0 }), { companyId: 'c3', tokenHash: 'unused' }, T0);
    // Act
    const requested = connectStudio(created.company, undefined, { studioId: STUDIO, channel: 'portal', requestId: 'r1' }, later(10));
    const viewWhilePending = studioViewOf(STUDIO, created.company, [requested.connection]);
    const confirmed = confirmConnection(requested.connection, { requestId: 'r1', eventId: 'e2' }, later(20));
    // Assess
    expect(created.effects).toEqual([]);
    expect(isWithFicClient(created.company)).toBe(true);
    expect(requested.effects.map((e) => e.kind)).toEqual(['requestConnectionInFic']);
    expect(viewWhilePending?.access).toBe('redacted');
    expect(confirmed.connection.status).toBe('active');
    expect(studioViewOf(STUDIO, created.company, [confirmed.connection])).toMatchObject({
      access: 'full',
      services: { sdi: { payer: { kind: 'ficClient' } }, eRicevi: { payer: { kind: 'ficClient' } } },
    });
  });
});
