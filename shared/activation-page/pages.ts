// The activation page's HTML: small, Italian, readable on a phone, usable with a keyboard and a
// screen reader, and with no script at all. Every value from the database is escaped.
import type { PayerChange } from '#shared/domain/confirm-activation';
import type { ActivationPreview, ConfirmedActivation } from '#shared/use-cases/activation-page';
import { escapeHtml } from '#shared/email/escape-html';
import { describeChanges, formatRomeDateTime, joinItalian } from '#shared/email/italian-wording';

/** The result page names no Studio: the payers after confirmation are all the FIC client. */
export type { ActivationPreview, ConfirmedActivation };

/** Why a link cannot be used; `forbidden` is a POST that failed the anti-forgery check. */
export type RefusalKind = 'unknown' | 'used' | 'expired' | 'revoked' | 'forbidden' | 'tooLarge' | 'failed';

const styles = `
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1a1a1a;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.card{background:#fff;border:1px solid #d0d4da;border-radius:8px;padding:1.25rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p,dl{margin:0 0 1rem}
dt{font-weight:600}
dd{margin:0 0 .5rem}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
caption{text-align:left;font-weight:600;margin-bottom:.25rem}
th,td{border:1px solid #c4c7cc;padding:.5rem;text-align:left;vertical-align:top}
thead th{background:#eef0f3}
button{font:inherit;font-weight:600;background:#0b57d0;color:#fff;border:0;border-radius:6px;padding:.75rem 1.25rem;min-height:44px;cursor:pointer;width:100%}
button:hover{background:#0842a0}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.note{color:#3d4349;font-size:.95rem}
@media (min-width:30rem){button{width:auto}}
`;

function layout(title: string, nonce: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} – Agyo</title>
<style nonce="${escapeHtml(nonce)}">${styles}</style>
</head>
<body>
<main>
<div class="card">
${content}
</div>
</main>
</body>
</html>`;
}

function changesTable(
  changes: readonly PayerChange[],
  studioNames: readonly string[],
  studioNamesById: Readonly<Record<string, string>> | undefined,
  caption: string,
): string {
  const rows = describeChanges(changes, studioNames, studioNamesById)
    .map((row) => `<tr><th scope="row">${escapeHtml(row.service)}</th><td>${escapeHtml(row.before)}</td><td>${escapeHtml(row.after)}</td></tr>`)
    .join('\n');
  return `<table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">Servizio</th><th scope="col">A carico di, prima</th><th scope="col">A carico di, dopo</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

export function previewPage(preview: ActivationPreview, form: { action: string; csrfFieldName: string; csrfValue: string }, nonce: string): string {
  const studios = joinItalian(preview.studioNames);
  const studioLine =
    preview.studioNames.length === 0
      ? ''
      : `<dt>${preview.studioNames.length === 1 ? 'Studio' : 'Studi'}</dt><dd>${escapeHtml(studios)}</dd>`;
  return layout(
    'Conferma attivazione',
    nonce,
    `<h1>Conferma l'attivazione della fatturazione elettronica</h1>
<dl>
<dt>Azienda</dt><dd>${escapeHtml(preview.companyName)}</dd>
<dt>Partita IVA</dt><dd>${escapeHtml(preview.vatNumber)}</dd>
${studioLine}
</dl>
<p>Confermando, i servizi di fatturazione elettronica su Agyo passano a carico del cliente FIC.</p>
${changesTable(preview.changes, preview.studioNames, preview.studioNamesById, 'Cosa cambia')}
<p class="note">Il link scade ${escapeHtml(formatRomeDateTime(preview.expiresAt))} (ora italiana) e si può usare una sola volta.</p>
<form method="post" action="${escapeHtml(form.action)}">
<input type="hidden" name="${escapeHtml(form.csrfFieldName)}" value="${escapeHtml(form.csrfValue)}">
<button type="submit">Confermo l'attivazione</button>
</form>
<p class="note">Se non ti aspettavi questa richiesta, chiudi la pagina: senza conferma non cambia nulla.</p>`,
  );
}

export function confirmedPage(result: ConfirmedActivation, nonce: string): string {
  return layout(
    'Attivazione confermata',
    nonce,
    `<h1>Attivazione confermata</h1>
<p role="status">Grazie. Per <strong>${escapeHtml(result.companyName)}</strong> i servizi di fatturazione elettronica su Agyo sono ora a carico del cliente FIC.</p>
${changesTable(result.changes, [], undefined, 'Cosa è cambiato')}
<p class="note">Puoi chiudere questa pagina.</p>`,
  );
}

const refusals: Record<RefusalKind, { status: number; title: string; message: string }> = {
  unknown: {
    status: 404,
    title: 'Link non valido',
    message: 'Questo link di conferma non è valido. Controlla di aver copiato l’indirizzo completo dall’email, oppure chiedi al tuo Studio di inviarne uno nuovo.',
  },
  used: {
    status: 410,
    title: 'Attivazione già confermata',
    message: 'Questo link è già stato usato: l’attivazione è stata confermata. Non serve fare altro.',
  },
  expired: {
    status: 410,
    title: 'Link scaduto',
    message: 'Questo link di conferma è scaduto. Chiedi al tuo Studio di inviarne uno nuovo.',
  },
  revoked: {
    status: 410,
    title: 'Link sostituito',
    message: 'Questo link non è più valido perché è stata inviata una nuova email di conferma. Usa il link dell’email più recente.',
  },
  forbidden: {
    status: 403,
    title: 'Richiesta non valida',
    message: 'Non è stato possibile verificare la richiesta, quindi non è stato confermato nulla. Riapri il link dall’email e premi di nuovo il pulsante.',
  },
  tooLarge: {
    status: 413,
    title: 'Richiesta non valida',
    message: 'La richiesta è troppo grande e non è stata elaborata. Riapri il link dall’email e premi di nuovo il pulsante.',
  },
  failed: {
    status: 500,
    title: 'Servizio non disponibile',
    message: 'Si è verificato un errore temporaneo. Riapri il link dall’email tra qualche minuto: la pagina indicherà se la conferma è già avvenuta.',
  },
};

export function refusalPage(kind: RefusalKind, nonce: string): { status: number; html: string } {
  const refusal = refusals[kind];
  return {
    status: refusal.status,
    html: layout(refusal.title, nonce, `<h1>${escapeHtml(refusal.title)}</h1>\n<p>${escapeHtml(refusal.message)}</p>`),
  };
}
