/** POST /v1/companies: the Studio creates a company, extending none, one or both of its services (cases 1 and 2). */
import { productionDependencies } from '#shared/composition-root';
import { createCompanyBody } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { createCompany } from '#shared/use-cases/create-company';

export const handler = studioRoute({ body: createCompanyBody }, async ({ studio, channel, body }) => {
  const view = await createCompany(productionDependencies(), { studio, channel, ...body });
  return { status: 201, body: view, headers: { location: `/v1/companies/${view.companyId}` } };
});
