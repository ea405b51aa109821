/** GET /v1/companies/{companyId}/timeline: every change to the company, who, what, when, through which channel. */
import { productionDependencies } from '#shared/composition-root';
import { companyPath, pageQuery } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { getTimelineForStudio } from '#shared/use-cases/get-timeline';

export const handler = studioRoute({ path: companyPath, query: pageQuery }, async ({ studio, path, query }) => ({
  status: 200,
  body: await getTimelineForStudio(productionDependencies(), {
    studioId: studio.studioId,
    companyId: path.companyId,
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  }),
}));
