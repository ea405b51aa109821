// Builders for the domain tests: synthetic identifiers and companies in each state of the three cases.
import { createCompanyByStudio } from '#shared/domain/create-company';
import type { Company } from '#shared/domain/company';
import type { Connection } from '#shared/domain/connection';
import { applyFicActivation } from '#shared/domain/fic-activation';
import type { FicActivationEvent } from '#shared/domain/fic-activation';
import { vatNumberWithCheckDigit } from '#shared/domain/identifiers';
import type { ServiceKind } from '#shared/domain/services';
import { addSeconds } from '#shared/domain/instant';

export const T0 = '2025-03-01T09:00:00.000Z';
export const later = (seconds: number, from: string = T0): string => addSeconds(from, seconds);

// Synthetic, valid by construction (office code 001): not anybody's real Partita IVA.
export const VAT = vatNumberWithCheckDigit('0123456001');
export const OTHER_VAT = vatNumberWithCheckDigit('0765432001');

export const STUDIO = 'studio-rossi';
export const OTHER_STUDIO = 'studio-bianchi';

export function createdByStudio(extend: readonly ServiceKind[] = [], at: string = T0): { company: Company; connection: Connection } {
  const { company, connection } = createCompanyByStudio(
    undefined,
    {
      companyId: 'company-1',
      studioId: STUDIO,
      channel: 'portal',
      vatNumber: VAT,
      name: "Caffè dell'Angolo S.r.l.",
      email: 'amministrazione@caffe-angolo.example',
      extend,
    },
    at,
  );
  return { company, connection };
}

export function ficEvent(overrides: Partial<FicActivationEvent> = {}): FicActivationEvent {
  return {
    eventId: 'evt-1',
    ficCompanyId: 'fic-42',
    vatNumber: VAT,
    name: "Caffè dell'Angolo S.r.l.",
    activatedAt: later(3600),
    ...overrides,
  };
}

/** A Studio-created company (case 1 or 2) that FIC has activated: the email awaits the click. */
export function awaitingConfirmation(extend: readonly ServiceKind[] = [], at: string = later(3600)): Company {
  const { company } = createdByStudio(extend);
  return applyFicActivation(company, ficEvent({ activatedAt: at }), { companyId: 'unused', tokenHash: 'hash-1' }, at)
    .company;
}

/** Case 3: the company created by FIC's activation event. */
export function createdByFic(at: string = T0): Company {
  return applyFicActivation(undefined, ficEvent({ activatedAt: at }), { companyId: 'company-3', tokenHash: 'unused' }, at)
    .company;
}
