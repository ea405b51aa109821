/**
 * POST /v1/connections: the Studio connects to a company already on Agyo (case 3). The connection
 * stays pending until the company confirms inside FIC: 202 the first time, 200 when it already existed.
 */
import { productionDependencies } from '#shared/composition-root';
import { connectBody } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { connectToCompany } from '#shared/use-cases/connect-to-company';

export const handler = studioRoute({ body: connectBody }, async ({ studio, channel, body }) => {
  const result = await connectToCompany(productionDependencies(), { studio, channel, vatNumber: body.vatNumber });
  return {
    status: result.alreadyConnected ? 200 : 202,
    body: result,
    headers: { location: `/v1/companies/${result.view.companyId}` },
  };
});
