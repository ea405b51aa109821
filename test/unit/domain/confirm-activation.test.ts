import { describe, expect, it } from 'vitest';
import { ACTIVATION_TTL_SECONDS } from '#shared/domain/activation';
import { activationPreview, confirmActivation } from '#shared/domain/confirm-activation';
import { ActivationExpiredError, ActivationNotPendingError, ActivationTokenMismatchError } from '#shared/domain/errors';
import { awaitingConfirmation, createdByStudio, later, STUDIO, T0 } from './fixtures.ts';

const SENT = later(3600);
const CLICK = later(7200);
const fic = { kind: 'ficClient' } as const;
const studio = { kind: 'studio', studioId: STUDIO } as const;

describe('confirmActivation (the company pressed the button)', () => {
  it('case 1: both services start for the FIC client', () => {
    // Prepare
    const company = awaitingConfirmation([]);
    // Act
    const outcome = confirmActivation(company, { tokenHash: 'hash-1' }, CLICK);
    // Assess
    expect(outcome.company.services).toEqual({
      sdi: { status: 'active', payer: fic, history: [{ payer: fic, from: CLICK }] },
      eRicevi: { status: 'active', payer: fic, history: [{ payer: fic, from: CLICK }] },
    });
    expect(outcome.company.pendingActivation).toBeUndefined();
    expect(outcome.timeline).toEqual([
      { at: CLICK, actor: { kind: 'company' }, action: 'activationConfirmed', details: {} },
      { at: CLICK, actor: { kind: 'company' }, action: 'serviceActivated', details: { service: 'sdi', payer: fic } },
      { at: CLICK, actor: { kind: 'company' }, action: 'serviceActivated', details: { service: 'eRicevi', payer: fic } },
    ]);
    expect(outcome.effects).toEqual([]);
  });

  it("case 2: both pass from the Studio to the FIC client; the Studio's billing ends at that instant", () => {
    // Prepare
    const company = awaitingConfirmation(['sdi', 'eRicevi']);
    // Act
    const outcome = confirmActivation(company, { tokenHash: 'hash-1' }, CLICK);
    // Assess
    for (const service of [outcome.company.services.sdi, outcome.company.services.eRicevi]) {
      expect(service).toEqual({
        status: 'active',
        payer: fic,
        history: [
          { payer: studio, from: T0, to: CLICK },
          { payer: fic, from: CLICK },
        ],
      });
    }
    expect(outcome.timeline.slice(1)).toEqual([
      { at: CLICK, actor: { kind: 'company' }, action: 'servicePayerChanged', details: { service: 'sdi', from: studio, to: fic } },
      { at: CLICK, actor: { kind: 'company' }, action: 'servicePayerChanged', details: { service: 'eRicevi', from: studio, to: fic } },
    ]);
  });

  it('only one extended: that one passes, the other starts for the FIC client', () => {
    // Prepare
    const company = awaitingConfirmation(['eRicevi']);
    // Act
    const outcome = confirmActivation(company, { tokenHash: 'hash-1' }, CLICK);
    // Assess
    expect(outcome.company.services.sdi).toEqual({ status: 'active', payer: fic, history: [{ payer: fic, from: CLICK }] });
    expect(outcome.company.services.eRicevi.history).toEqual([
      { payer: studio, from: T0, to: CLICK },
      { payer: fic, from: CLICK },
    ]);
    expect(outcome.timeline.map((e) => e.action)).toEqual(['activationConfirmed', 'serviceActivated', 'servicePayerChanged']);
  });

  it('the preview shows who pays before and after, for the page behind the link', () => {
    expect(activationPreview(awaitingConfirmation(['sdi']))).toEqual([
      { service: 'sdi', before: studio, after: fic },
      { service: 'eRicevi', before: null, after: fic },
    ]);
  });

  it('keeps the einvoicing state and the rest of the company', () => {
    // Prepare
    const company = awaitingConfirmation();
    // Act
    const { company: confirmed } = confirmActivation(company, { tokenHash: 'hash-1' }, CLICK);
    // Assess
    expect(confirmed).toMatchObject({ companyId: company.companyId, version: company.version, einvoicing: company.einvoicing });
  });

  it('refuses when nothing is pending — including a second use of the same link', () => {
    // Prepare
    const { company } = createdByStudio();
    const confirmed = confirmActivation(awaitingConfirmation(), { tokenHash: 'hash-1' }, CLICK).company;
    // Act / Assess
    expect(() => confirmActivation(company, { tokenHash: 'hash-1' }, CLICK)).toThrow(ActivationNotPendingError);
    expect(() => confirmActivation(confirmed, { tokenHash: 'hash-1' }, later(60, CLICK))).toThrow(ActivationNotPendingError);
  });

  it('refuses a token that is not the pending one (e.g. a link revoked by a resend)', () => {
    expect(() => confirmActivation(awaitingConfirmation(), { tokenHash: 'hash-old' }, CLICK)).toThrow(ActivationTokenMismatchError);
  });

  it('refuses at and after expiry', () => {
    // Prepare
    const company = awaitingConfirmation();
    const expiry = later(ACTIVATION_TTL_SECONDS, SENT);
    // Act / Assess
    expect(() => confirmActivation(company, { tokenHash: 'hash-1' }, expiry)).toThrow(ActivationExpiredError);
    expect(() => confirmActivation(company, { tokenHash: 'hash-1' }, later(-1, expiry))).not.toThrow();
  });
});
