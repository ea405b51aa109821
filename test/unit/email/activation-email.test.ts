import { describe, expect, it } from 'vitest';
import { InvalidConfirmUrlError, renderActivationEmail, type ActivationEmailContent } from '#shared/email/activation-email';
import { escapeHtml } from '#shared/email/escape-html';
import { formatRomeDateTime } from '#shared/email/italian-wording';

const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

function email(overrides: Partial<ActivationEmailContent> = {}): ActivationEmailContent {
  return {
    to: 'amministrazione@caffe-angolo.example',
    companyName: "Caffè dell'Angolo S.r.l.",
    vatNumber: '01234567897',
    studioNames: ['Studio Bianchi & Associati'],
    studioNamesById: {},
    changes: [
      { service: 'sdi', before: { kind: 'studio', studioId: 'studio-1' }, after: { kind: 'ficClient' } },
      { service: 'eRicevi', before: null, after: { kind: 'ficClient' } },
    ],
    confirmUrl: `https://api.agyo.example/v1/activations/${token}`,
    expiresAt: '2026-12-10T13:30:00.000Z',
    ...overrides,
  };
}

describe('renderActivationEmail', () => {
  it('keeps accents and apostrophes as they are in the subject and the text part', () => {
    const rendered = renderActivationEmail(email());

    expect(rendered.subject).toBe("Conferma l'attivazione della fatturazione elettronica per Caffè dell'Angolo S.r.l.");
    expect(rendered.text).toContain("l'azienda Caffè dell'Angolo S.r.l. (Partita IVA 01234567897)");
    expect(rendered.html).toContain('<meta charset="utf-8">');
    expect(rendered.html).toContain('Caffè dell&#39;Angolo S.r.l.');
  });

  it('escapes names in the HTML part, so user input can never add markup', () => {
    const rendered = renderActivationEmail(
      email({ companyName: '<img src=x onerror="alert(1)"> & Co', studioNames: ['<b>Studio</b> "Rossi"'] }),
    );

    expect(rendered.html).not.toContain('<img');
    expect(rendered.html).not.toContain('<b>Studio');
    expect(rendered.html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co');
    expect(rendered.html).toContain('lo Studio &lt;b&gt;Studio&lt;/b&gt; &quot;Rossi&quot;');
    // The text part is plain text: no escaping, the name as typed.
    expect(rendered.text).toContain('<img src=x onerror="alert(1)"> & Co');
  });

  it('strips line breaks from names, so the subject stays one header line', () => {
    const rendered = renderActivationEmail(email({ companyName: 'Rossi\r\nBcc: attacker@example.com' }));

    expect(rendered.subject).not.toMatch(/[\r\n]/);
    expect(rendered.subject).toContain('Rossi Bcc: attacker@example.com');
  });

  it('puts the confirm link in both parts: as the one button in HTML (not tracked), on its own line in text', () => {
    const confirmUrl = `https://api.agyo.example/v1/activations/${token}?a=1&b=2`;
    const rendered = renderActivationEmail(email({ confirmUrl }));

    expect(rendered.text.split('\r\n')).toContain(confirmUrl);
    const anchors = rendered.html.match(/<a\b[^>]*>/g) ?? [];
    expect(anchors).toHaveLength(1);
    expect(anchors[0]).toContain(`href="${escapeHtml(confirmUrl)}"`);
    expect(anchors[0]).toContain('ses:no-track');
    expect(rendered.html).not.toMatch(/<img\b/i);
  });

  it('names the company, the Studio and, per service, who pays before and after', () => {
    const rendered = renderActivationEmail(email());

    expect(rendered.text).toContain('Partita IVA 01234567897');
    expect(rendered.text).toContain('Studio di riferimento su Agyo: Studio Bianchi & Associati.');
    expect(rendered.text).toContain('- Invio fatture (SdI): prima lo Studio Bianchi & Associati, dopo il cliente FIC');
    expect(rendered.text).toContain('- Ricezione fatture (eRicevi): prima non attivo, dopo il cliente FIC');
    expect(rendered.html).toContain('<th scope="row" style="padding:8px 10px;border:1px solid #c4c7cc;text-align:left;vertical-align:top;">Invio fatture (SdI)</th>');
  });

  it('names the paying Studio by id when several Studios follow the company', () => {
    const rendered = renderActivationEmail(
      email({ studioNames: ['Studio Rossi', 'Studio Verdi'], studioNamesById: { 'studio-1': 'Studio Verdi' } }),
    );

    expect(rendered.text).toContain('Studi di riferimento su Agyo: Studio Rossi e Studio Verdi.');
    expect(rendered.text).toContain('- Invio fatture (SdI): prima lo Studio Verdi, dopo il cliente FIC');
  });

  it('says "lo Studio <name>" for a name that does not start with Studio', () => {
    const rendered = renderActivationEmail(email({ studioNames: ['Commercialisti Associati Ferri'] }));

    expect(rendered.text).toContain('- Invio fatture (SdI): prima lo Studio Commercialisti Associati Ferri, dopo il cliente FIC');
  });

  it('gives the expiry in Italian, in Italian time (CET in winter, CEST in summer)', () => {
    expect(renderActivationEmail(email()).text).toContain('Il link scade giovedì 10 dicembre 2026 alle 14:30 (ora italiana)');
    expect(formatRomeDateTime('2026-07-10T13:05:00Z')).toBe('venerdì 10 luglio 2026 alle 15:05');
    expect(formatRomeDateTime('2026-03-01T23:30:00Z')).toBe('lunedì 2 marzo 2026 alle 00:30');
  });

  it('tells a reader who did not expect it to ignore it', () => {
    const rendered = renderActivationEmail(email());

    expect(rendered.text).toContain('Se non ti aspettavi questa email, ignorala');
    expect(rendered.html).toContain('Se non ti aspettavi questa email, ignorala');
  });

  it.each(['javascript:alert(1)', '/v1/activations/x', 'data:text/html,hi'])('refuses %s as the button link', (confirmUrl) => {
    expect(() => renderActivationEmail(email({ confirmUrl }))).toThrow(InvalidConfirmUrlError);
  });
});
