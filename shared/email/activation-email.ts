// The confirmation email (conferma attivazione): Italian, an HTML part and a plain-text part with the
// same content, one button to the activation page. Nothing in it tracks the reader: no images, no
// redirect links, and the button is marked `ses:no-track` so an SES configuration set with click
// tracking never rewrites the link.
import type { ActivationEmail } from '#shared/use-cases/ports';
import { escapeHtml, singleLine } from './escape-html.ts';
import { describeChanges, formatRomeDateTime, studiosSentence } from './italian-wording.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Optional: the payer Studios' names by id, when the sender knows them (otherwise the only Studio listed). */
export type ActivationEmailContent = ActivationEmail;

export class InvalidConfirmUrlError extends Error {
  override name = 'InvalidConfirmUrlError';
}

export function renderActivationEmail(email: ActivationEmailContent): RenderedEmail {
  const confirmUrl = checkedConfirmUrl(email.confirmUrl);
  const company = singleLine(email.companyName);
  const vatNumber = singleLine(email.vatNumber);
  const rows = describeChanges(email.changes, email.studioNames, email.studioNamesById);
  const expiry = formatRomeDateTime(email.expiresAt);
  const subject = `Conferma l'attivazione della fatturazione elettronica per ${company}`;
  const studioSentence = studiosSentence(email.studioNames);

  const text = [
    'Gentile cliente,',
    '',
    `l'azienda ${company} (Partita IVA ${vatNumber}) ha attivato la fatturazione elettronica in Fatture in Cloud.`,
    ...(studioSentence ? [studioSentence] : []),
    '',
    'Confermando, i servizi di fatturazione elettronica su Agyo passano a carico del cliente FIC:',
    ...rows.map((row) => `- ${row.service}: prima ${row.before}, dopo ${row.after}`),
    '',
    'Per vedere i dettagli e confermare, apri questo link:',
    confirmUrl,
    '',
    `Il link scade ${expiry} (ora italiana) e si può usare una sola volta.`,
    '',
    'Se non ti aspettavi questa email, ignorala: senza la tua conferma non cambia nulla.',
    '',
    'Agyo',
  ].join('\r\n');

  const cell = 'padding:8px 10px;border:1px solid #c4c7cc;text-align:left;vertical-align:top;';
  const tableRows = rows
    .map(
      (row) =>
        `<tr><th scope="row" style="${cell}">${escapeHtml(row.service)}</th><td style="${cell}">${escapeHtml(row.before)}</td><td style="${cell}">${escapeHtml(row.after)}</td></tr>`,
    )
    .join('');
  const href = escapeHtml(confirmUrl);
  const html = `<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;">
<h1 style="font-size:22px;margin:0 0 16px;">Conferma l'attivazione della fatturazione elettronica</h1>
<p style="margin:0 0 12px;">Gentile cliente,</p>
<p style="margin:0 0 12px;">l'azienda <strong>${escapeHtml(company)}</strong> (Partita IVA ${escapeHtml(vatNumber)}) ha attivato la fatturazione elettronica in Fatture in Cloud.${studioSentence ? ` ${escapeHtml(studioSentence)}` : ''}</p>
<p style="margin:0 0 12px;">Confermando, i servizi di fatturazione elettronica su Agyo passano a carico del cliente FIC:</p>
<table role="table" style="border-collapse:collapse;width:100%;margin:0 0 20px;">
<thead><tr><th scope="col" style="${cell}background:#f1f3f4;">Servizio</th><th scope="col" style="${cell}background:#f1f3f4;">A carico di, prima</th><th scope="col" style="${cell}background:#f1f3f4;">A carico di, dopo</th></tr></thead>
<tbody>${tableRows}</tbody>
</table>
<p style="margin:0 0 20px;"><a ses:no-track href="${href}" style="display:inline-block;background:#0b57d0;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:6px;">Vedi i dettagli e conferma</a></p>
<p style="margin:0 0 12px;">Se il pulsante non funziona, copia questo indirizzo nel browser:<br><span style="word-break:break-all;">${href}</span></p>
<p style="margin:0 0 12px;">Il link scade ${escapeHtml(expiry)} (ora italiana) e si può usare una sola volta.</p>
<p style="margin:0 0 12px;">Se non ti aspettavi questa email, ignorala: senza la tua conferma non cambia nulla.</p>
<p style="margin:24px 0 0;color:#4a4a4a;">Agyo</p>
</div>
</body>
</html>`;

  return { subject, text, html };
}

/** Only an absolute http(s) link may become the button: never `javascript:` or a relative path. */
function checkedConfirmUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidConfirmUrlError('The confirmation link is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidConfirmUrlError('The confirmation link must be http(s)');
  }
  return url.toString();
}
