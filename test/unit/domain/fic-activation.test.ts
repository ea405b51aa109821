import { describe, expect, it } from 'vitest';
import { ACTIVATION_TTL_SECONDS } from '#shared/domain/activation';
import { confirmActivation } from '#shared/domain/confirm-activation';
import { InvalidVatNumberError, MissingCompanyEmailError } from '#shared/domain/errors';
import { applyFicActivation } from '#shared/domain/fic-activation';
import { awaitingConfirmation, createdByFic, createdByStudio, ficEvent, later, STUDIO, T0, VAT } from './fixtures.ts';

const fresh = { companyId: 'company-new', tokenHash: 'hash-new' };

describe('applyFicActivation (FIC einvoicing.activated)', () => {
  it('case 3: unknown Partita IVA — creates the company, both services with the FIC client, no email', () => {
    // Prepare
    const event = ficEvent({ taxCode: 'rssmra85t10a562s', activatedAt: T0 });
    // Act
    const outcome = applyFicActivation(undefined, event, fresh, later(5));
    // Assess
    const fic = { kind: 'ficClient' };
    expect(outcome.company).toEqual({
      companyId: 'company-new',
      vatNumber: VAT,
      taxCode: 'RSSMRA85T10A562S',
      name: "Caffè dell'Angolo S.r.l.",
      ficCompanyId: 'fic-42',
      createdBy: { kind: 'fic', eventId: 'evt-1' },
      createdAt: later(5),
      version: 1,
      services: {
        sdi: { status: 'active', payer: fic, history: [{ payer: fic, from: later(5) }] },
        eRicevi: { status: 'active', payer: fic, history: [{ payer: fic, from: later(5) }] },
      },
      einvoicing: { status: 'activated', activatedAt: T0, lastEventId: 'evt-1' },
    });
    expect(outcome.company.email).toBeUndefined();
    expect(outcome.effects).toEqual([]);
    expect(outcome.timeline.map((e) => e.action)).toEqual(['companyCreated', 'serviceActivated', 'serviceActivated']);
  });

  it('case 3: a malformed Codice Fiscale from FIC is dropped, not fatal', () => {
    const outcome = applyFicActivation(undefined, ficEvent({ taxCode: 'NOT-A-CODE' }), fresh, T0);
    expect(outcome.company.taxCode).toBeUndefined();
  });

  it.each([
    ['case 1', [] as const],
    ['case 2', ['sdi', 'eRicevi'] as const],
  ])('%s: Studio-created company — pending activation and one email to the Agyo address', (_label, extend) => {
    // Prepare
    const { company } = createdByStudio(extend);
    const now = later(3600);
    // Act
    const outcome = applyFicActivation(company, ficEvent(), fresh, now);
    // Assess
    expect(outcome.changed).toBe(true);
    expect(outcome.company.pendingActivation).toEqual({
      tokenHash: 'hash-new',
      requestedAt: now,
      expiresAt: later(ACTIVATION_TTL_SECONDS, now),
    });
    expect(outcome.company.einvoicing).toEqual({ status: 'activated', activatedAt: later(3600), lastEventId: 'evt-1' });
    expect(outcome.company.ficCompanyId).toBe('fic-42');
    expect(outcome.company.services).toEqual(company.services);
    expect(outcome.effects).toEqual([
      {
        kind: 'sendActivationEmail',
        companyId: 'company-1',
        to: 'amministrazione@caffe-angolo.example',
        companyName: "Caffè dell'Angolo S.r.l.",
        tokenHash: 'hash-new',
        expiresAt: later(ACTIVATION_TTL_SECONDS, now),
      },
    ]);
    expect(outcome.timeline.map((e) => e.action)).toEqual(['ficActivationReceived', 'activationRequested']);
  });

  it('the same event delivered again changes nothing and sends nothing', () => {
    // Prepare
    const company = awaitingConfirmation();
    // Act
    const outcome = applyFicActivation(company, ficEvent({ activatedAt: later(3600) }), fresh, later(7200));
    // Assess
    expect(outcome).toEqual({ company, changed: false, timeline: [], effects: [] });
  });

  it('another activation while a confirmation is pending sends no second email', () => {
    // Prepare
    const company = awaitingConfirmation();
    // Act
    const outcome = applyFicActivation(company, ficEvent({ eventId: 'evt-2', activatedAt: later(5000) }), fresh, later(5000));
    // Assess
    expect(outcome.effects).toEqual([]);
    expect(outcome.company.pendingActivation).toEqual(company.pendingActivation);
    expect(outcome.company.einvoicing).toEqual({ status: 'activated', activatedAt: later(5000), lastEventId: 'evt-2' });
    expect(outcome.timeline).toEqual([
      expect.objectContaining({ action: 'ficActivationReceived', details: expect.objectContaining({ confirmationAlreadyPending: true }) }),
    ]);
  });

  it('an activation after the pending one expired starts a new one with a new email', () => {
    // Prepare
    const company = awaitingConfirmation();
    const afterExpiry = later(ACTIVATION_TTL_SECONDS + 1, later(3600));
    // Act
    const outcome = applyFicActivation(company, ficEvent({ eventId: 'evt-2', activatedAt: afterExpiry }), fresh, afterExpiry);
    // Assess
    expect(outcome.company.pendingActivation?.tokenHash).toBe('hash-new');
    expect(outcome.effects.map((e) => e.kind)).toEqual(['sendActivationEmail']);
  });

  it('an older event arriving late never overwrites newer state', () => {
    // Prepare
    const company = awaitingConfirmation([], later(3600));
    // Act
    const outcome = applyFicActivation(company, ficEvent({ eventId: 'evt-0', activatedAt: later(1800) }), fresh, later(4000));
    // Assess
    expect(outcome.changed).toBe(false);
    expect(outcome.company).toBe(company);
    expect(outcome.effects).toEqual([]);
    expect(outcome.timeline).toEqual([
      {
        at: later(4000),
        actor: { kind: 'fic', eventId: 'evt-0' },
        action: 'ficActivationIgnored',
        details: { reason: 'stale', activatedAt: later(1800) },
      },
    ]);
  });

  it.each([
    ['created from FIC (case 3)', () => createdByFic()],
    ['already confirmed', () => confirmActivation(awaitingConfirmation(), { tokenHash: 'hash-1' }, later(4000)).company],
  ])('services already with the FIC client (%s): nothing changes, a timeline note', (_label, build) => {
    // Prepare
    const company = build();
    // Act
    const outcome = applyFicActivation(company, ficEvent({ eventId: 'evt-9', activatedAt: later(90_000) }), fresh, later(90_000));
    // Assess
    expect(outcome.changed).toBe(false);
    expect(outcome.company).toBe(company);
    expect(outcome.effects).toEqual([]);
    expect(outcome.timeline).toEqual([
      expect.objectContaining({ action: 'ficActivationIgnored', details: expect.objectContaining({ reason: 'alreadyWithFicClient' }) }),
    ]);
  });

  it('refuses an invalid Partita IVA in the event', () => {
    expect(() => applyFicActivation(undefined, ficEvent({ vatNumber: '01234560018' }), fresh, T0)).toThrow(InvalidVatNumberError);
  });

  it('refuses to request a confirmation for a company with no Agyo email', () => {
    // Prepare: a Studio-made company whose email was somehow lost.
    const { company } = createdByStudio();
    const { email: _lost, ...withoutEmail } = company;
    // Act / Assess
    expect(() => applyFicActivation(withoutEmail, ficEvent(), fresh, later(3600))).toThrow(MissingCompanyEmailError);
  });

  it('keeps the Studio that created the company as it was', () => {
    const { company } = createdByStudio(['sdi']);
    const outcome = applyFicActivation(company, ficEvent(), fresh, later(3600));
    expect(outcome.company.createdBy).toEqual({ kind: 'studio', studioId: STUDIO, channel: 'portal' });
  });
});
