/**
 * The CloudEvent types FIC sends us (see FIC-WEBHOOKS.md). The webhook enqueues only the types
 * the processor acts on; the welcome event and any other type are acknowledged and dropped.
 */
export const ficEventTypes = {
  welcome: 'it.fattureincloud.webhooks.subscriptions.welcome',
  einvoicingActivated: 'it.fattureincloud.webhooks.einvoicing.activated',
  connectionConfirmed: 'it.fattureincloud.webhooks.connections.confirmed',
  connectionRejected: 'it.fattureincloud.webhooks.connections.rejected',
} as const;

export type ProcessedFicEventType =
  | typeof ficEventTypes.einvoicingActivated
  | typeof ficEventTypes.connectionConfirmed
  | typeof ficEventTypes.connectionRejected;

const processed: ReadonlySet<string> = new Set<ProcessedFicEventType>([
  ficEventTypes.einvoicingActivated,
  ficEventTypes.connectionConfirmed,
  ficEventTypes.connectionRejected,
]);

export function isProcessedEventType(type: string): type is ProcessedFicEventType {
  return processed.has(type);
}

/** The path FIC calls, and the JWT audience FIC signs for: `${PUBLIC_BASE_URL}${ficWebhookPath}`. */
export const ficWebhookPath = '/v1/fic/webhook';

export function ficWebhookUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${ficWebhookPath}`;
}

/** FIC's subscription check: a GET carrying this header (or query parameter); we echo its value. */
export const verificationChallengeName = 'x-fic-verification-challenge';

/** FIC's subject for company-scoped events. */
export const companySubject = (ficCompanyId: number | string) => `company:${ficCompanyId}`;
