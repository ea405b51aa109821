/** POST /v1/companies/{companyId}/extensions: the Studio extends its own sdi / eRicevi to the company (case 2). */
import { productionDependencies } from '#shared/composition-root';
import { companyPath, extendServicesBody } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { extendServicesForStudio } from '#shared/use-cases/extend-services';

export const handler = studioRoute({ path: companyPath, body: extendServicesBody }, async ({ studio, channel, path, body }) => ({
  status: 200,
  body: await extendServicesForStudio(productionDependencies(), { studio, channel, companyId: path.companyId, services: body.services }),
}));
