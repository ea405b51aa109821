/**
 * The SES mailer against the SES emulator: the message SES stores is the one we meant, with the
 * accented, apostrophised company name intact in the subject and in both parts.
 */
import { randomUUID } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, describe, expect, it } from 'vitest';
import { SesMailer } from '#shared/adapters/ses-mailer';
import type { ActivationEmail } from '#shared/use-cases/ports';
import { stack } from '../../support/stack.ts';

const client = new SESClient({
  region: 'eu-south-1',
  endpoint: stack.endpoints.ses,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
  requestHandler: { requestTimeout: 10_000 },
});

afterAll(() => client.destroy());

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

async function storedEmail(messageId: string): Promise<StoredEmail | undefined> {
  const response = await fetch(`${stack.endpoints.ses}/store`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  return store.emails.find((email) => email.messageId === messageId);
}

describe('SesMailer through the SES emulator', () => {
  it('delivers one message to the Agyo address with subject and both parts in intact UTF-8', async () => {
    const to = `titolare+${randomUUID()}@caffe-angolo.example`;
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
    const email: ActivationEmail = {
      to,
      companyName: "Caffè dell'Angolo S.r.l. – Perché sì",
      vatNumber: '01234567897',
      studioNames: ['Studio Bianchi & Associati'],
      studioNamesById: { 'studio-1': 'Studio Bianchi & Associati' },
      changes: [
        { service: 'sdi', before: { kind: 'studio', studioId: 'studio-1' }, after: { kind: 'ficClient' } },
        { service: 'eRicevi', before: { kind: 'studio', studioId: 'studio-1' }, after: { kind: 'ficClient' } },
      ],
      confirmUrl: `http://127.0.0.1:3000/v1/activations/${token}`,
      expiresAt: '2026-12-10T13:30:00.000Z',
    };
    const mailer = new SesMailer({ client, sender: 'Agyo <no-reply@agyo.local>' });

    const { messageId } = await mailer.sendActivationEmail(email);

    const stored = await storedEmail(messageId);
    expect(stored).toBeDefined();
    expect(stored!.from).toBe('Agyo <no-reply@agyo.local>');
    expect(stored!.destination).toEqual({ to: [to], cc: [], bcc: [] });
    expect(stored!.subject).toBe("Conferma l'attivazione della fatturazione elettronica per Caffè dell'Angolo S.r.l. – Perché sì");
    expect(stored!.body.text).toContain("l'azienda Caffè dell'Angolo S.r.l. – Perché sì (Partita IVA 01234567897)");
    expect(stored!.body.text).toContain('Il link scade giovedì 10 dicembre 2026 alle 14:30');
    expect(stored!.body.text).toContain(email.confirmUrl);
    expect(stored!.body.html).toContain('Caffè dell&#39;Angolo S.r.l. – Perché sì');
    expect(stored!.body.html).toContain('Studio Bianchi &amp; Associati');
    expect(stored!.body.html).toContain(`href="${email.confirmUrl}"`);
  });
});
