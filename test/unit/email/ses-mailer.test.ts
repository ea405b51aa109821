import type { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it, vi } from 'vitest';
import { SesMailer, SesSendFailedError } from '#shared/adapters/ses-mailer';
import type { ActivationEmail } from '#shared/use-cases/ports';

const email: ActivationEmail = {
  to: 'amministrazione@caffe-angolo.example',
  companyName: "Caffè dell'Angolo S.r.l.",
  vatNumber: '01234567897',
  studioNames: ['Studio Bianchi'],
  studioNamesById: {},
  changes: [
    { service: 'sdi', before: null, after: { kind: 'ficClient' } },
    { service: 'eRicevi', before: null, after: { kind: 'ficClient' } },
  ],
  confirmUrl: 'https://api.agyo.example/v1/activations/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde',
  expiresAt: '2026-12-10T13:30:00.000Z',
};

function fakeClient(output: { MessageId?: string } = { MessageId: 'msg-1' }) {
  const send = vi.fn(async (_command: SendEmailCommand) => output);
  return { client: { send } as unknown as SESClient, send };
}

describe('SesMailer', () => {
  it('sends one SendEmail to the Agyo address only, with UTF-8 subject, text and HTML', async () => {
    const { client, send } = fakeClient();
    const mailer = new SesMailer({ client, sender: 'Agyo <no-reply@agyo.example>' });

    const result = await mailer.sendActivationEmail(email);

    expect(result).toEqual({ messageId: 'msg-1' });
    expect(send).toHaveBeenCalledTimes(1);
    const input = send.mock.calls[0]![0].input;
    expect(input.Source).toBe('Agyo <no-reply@agyo.example>');
    expect(input.Destination).toEqual({ ToAddresses: ['amministrazione@caffe-angolo.example'] });
    expect(input.Message?.Subject?.Charset).toBe('UTF-8');
    expect(input.Message?.Body?.Text?.Charset).toBe('UTF-8');
    expect(input.Message?.Body?.Html?.Charset).toBe('UTF-8');
    expect(input.Message?.Subject?.Data).toContain("Caffè dell'Angolo S.r.l.");
    expect(input).not.toHaveProperty('ConfigurationSetName');
  });

  it('sets the configuration set only when one is configured', async () => {
    const { client, send } = fakeClient();
    const mailer = new SesMailer({ client, sender: 'no-reply@agyo.example', configurationSet: 'onboarding-prod' });

    await mailer.sendActivationEmail(email);

    expect(send.mock.calls[0]![0].input.ConfigurationSetName).toBe('onboarding-prod');
  });

  it('passes SES errors on (the caller retries) and refuses an answer without a message id', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const failing = { send: vi.fn(async () => Promise.reject(throttled)) } as unknown as SESClient;

    await expect(new SesMailer({ client: failing, sender: 'no-reply@agyo.example' }).sendActivationEmail(email)).rejects.toBe(throttled);
    await expect(new SesMailer({ client: fakeClient({}).client, sender: 'no-reply@agyo.example' }).sendActivationEmail(email)).rejects.toThrow(
      SesSendFailedError,
    );
  });
});
