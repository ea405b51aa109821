// The Mailer port over SES API v1 SendEmail: one message with a text and an HTML part, all in UTF-8,
// to the company's address on Agyo only. The configuration set is set only when one is configured.
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { renderActivationEmail, type ActivationEmailContent } from '#shared/email/activation-email';
import type { Mailer } from '#shared/use-cases/ports';

export interface SesMailerOptions {
  client: SESClient;
  /** A verified identity, e.g. `Agyo <no-reply@agyo.it>`. */
  sender: string;
  configurationSet?: string | undefined;
}

export class SesSendFailedError extends Error {
  override name = 'SesSendFailedError';
}

export class SesMailer implements Mailer {
  constructor(private readonly options: SesMailerOptions) {}

  async sendActivationEmail(email: ActivationEmailContent): Promise<{ messageId: string }> {
    const { subject, text, html } = renderActivationEmail(email);
    const charset = 'UTF-8';
    const output = await this.options.client.send(
      new SendEmailCommand({
        Source: this.options.sender,
        Destination: { ToAddresses: [email.to] },
        Message: {
          Subject: { Data: subject, Charset: charset },
          Body: { Text: { Data: text, Charset: charset }, Html: { Data: html, Charset: charset } },
        },
        ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
      }),
    );
    if (!output.MessageId) throw new SesSendFailedError('SES accepted the message without a MessageId');
    return { messageId: output.MessageId };
  }
}

/** The mailer a Lambda uses: the shared SES client and the configured sender and configuration set. */
export function sesMailerFromConfig(client: SESClient, settings: { SES_SENDER: string; SES_CONFIGURATION_SET?: string | undefined }): SesMailer {
  return new SesMailer({ client, sender: settings.SES_SENDER, configurationSet: settings.SES_CONFIGURATION_SET });
}
