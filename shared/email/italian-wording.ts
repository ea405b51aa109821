// The Italian words the confirmation email and the activation page share, so both say the same thing
// about services, payers and dates.
import type { PayerChange } from '#shared/domain/confirm-activation';
import { toMillis, type Instant } from '#shared/domain/instant';
import type { Payer, ServiceKind } from '#shared/domain/services';
import { singleLine } from './escape-html.ts';

export const serviceLabels: Record<ServiceKind, string> = {
  sdi: 'Invio fatture (SdI)',
  eRicevi: 'Ricezione fatture (eRicevi)',
};

/**
 * Who pays, in words. A payer Studio is named when its name is known: by id when the caller has a
 * map, or the only Studio listed (the common case: one Studio set the company up and extended).
 */
export function describePayer(payer: Payer | null, studioNames: readonly string[], studioNamesById: Readonly<Record<string, string>> = {}): string {
  if (payer === null) return 'non attivo';
  if (payer.kind === 'ficClient') return 'il cliente FIC';
  const name = studioNamesById[payer.studioId] ?? (studioNames.length === 1 ? studioNames[0] : undefined);
  if (name === undefined) return 'lo Studio';
  const clean = singleLine(name);
  // Most names already start with "Studio": "lo Studio Bianchi", never "lo Studio Studio Bianchi".
  return /^studio\b/i.test(clean) ? `lo ${clean}` : `lo Studio ${clean}`;
}

/** "Studio di riferimento su Agyo: Studio Bianchi." or, with several, "Studi di riferimento…"; empty with none. */
export function studiosSentence(studioNames: readonly string[]): string {
  if (studioNames.length === 0) return '';
  return `${studioNames.length === 1 ? 'Studio di riferimento' : 'Studi di riferimento'} su Agyo: ${joinItalian(studioNames)}.`;
}

export interface ChangeRow {
  service: string;
  before: string;
  after: string;
}

export function describeChanges(
  changes: readonly PayerChange[],
  studioNames: readonly string[],
  studioNamesById?: Readonly<Record<string, string>>,
): ChangeRow[] {
  return changes.map((change) => ({
    service: serviceLabels[change.service],
    before: describePayer(change.before, studioNames, studioNamesById),
    after: describePayer(change.after, studioNames, studioNamesById),
  }));
}

const romeFormat = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * "giovedì 10 dicembre 2026 alle 14:30", in Italian time (CET/CEST as the date falls). Built from
 * the parts, so the wording does not depend on the ICU version's connector ("alle ore", ",").
 */
export function formatRomeDateTime(at: Instant): string {
  const parts = Object.fromEntries(romeFormat.formatToParts(new Date(toMillis(at))).map((part) => [part.type, part.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} alle ${parts.hour}:${parts.minute}`;
}

/** "Studio Rossi", "Studio Rossi e Studio Bianchi", "A, B e C". */
export function joinItalian(items: readonly string[]): string {
  const clean = items.map(singleLine).filter((item) => item.length > 0);
  if (clean.length <= 1) return clean[0] ?? '';
  return `${clean.slice(0, -1).join(', ')} e ${clean.at(-1)}`;
}
