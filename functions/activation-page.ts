/**
 * GET | HEAD | POST /v1/activations/{token}: the page the confirmation email's button opens.
 * GET and HEAD show what confirming does and change nothing; POST confirms (the rules are in
 * `#shared/activation-page/handler`). The token in the path is never logged.
 */
import { createActivationPageHandler, type ActivationPageDependencies } from '#shared/activation-page/handler';
import { config } from '#shared/config';
import { logger } from '#shared/observability/logger';
import { ActivationLinkError, confirmActivationByToken, previewActivation } from '#shared/use-cases/activation-page';
import { makeUseCaseDependencies } from '#shared/use-cases/dependencies';
import type { ConnectionRequestPublisher, Mailer } from '#shared/use-cases/ports';

export { createActivationPageHandler };

// Showing and confirming a link neither sends mail nor connects a Studio, and this function is
// granted neither: a call would be a bug, so it fails loudly instead of reaching SES or SQS.
const sendsNoMail: Mailer = {
  sendActivationEmail: async () => {
    throw new Error('The activation page does not send email');
  },
};
const publishesNoConnectionRequests: ConnectionRequestPublisher = {
  publish: async () => {
    throw new Error('The activation page does not publish connection requests');
  },
};

function productionDependencies(): ActivationPageDependencies {
  const useCases = makeUseCaseDependencies({ mailer: sendsNoMail, connectionRequests: publishesNoConnectionRequests });
  return {
    previewActivation: (input) => previewActivation(useCases, input),
    confirmActivation: (input) => confirmActivationByToken(useCases, input),
    publicBaseUrl: config().PUBLIC_BASE_URL,
    linkErrorReason: (error) => (error instanceof ActivationLinkError ? error.reason : undefined),
    logFailure: (message, details) => logger.error(message, details),
  };
}

// Built on the first request (a Lambda's cold start), so importing the module needs no environment.
export const handler = createActivationPageHandler(productionDependencies);
