/** GET /v1/companies/{companyId}: services, payers, pending activation and connection, as this Studio may see them. */
import { productionDependencies } from '#shared/composition-root';
import { companyPath } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { getCompanyForStudio } from '#shared/use-cases/get-company';

export const handler = studioRoute({ path: companyPath }, async ({ studio, path }) => ({
  status: 200,
  body: await getCompanyForStudio(productionDependencies(), { studioId: studio.studioId, companyId: path.companyId }),
}));
