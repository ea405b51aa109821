/** POST /v1/companies/{companyId}/activation/resend: a new confirmation email; the previous link stops working. */
import { productionDependencies } from '#shared/composition-root';
import { companyPath } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { resendActivationEmail } from '#shared/use-cases/resend-activation';

export const handler = studioRoute({ path: companyPath }, async ({ studio, channel, path }) => ({
  status: 202,
  body: await resendActivationEmail(productionDependencies(), { studio, channel, companyId: path.companyId }),
}));
