/** GET /v1/connections: the Studio's "Connessioni" view (also STARTUPAGYO's list), a page at a time. */
import { productionDependencies } from '#shared/composition-root';
import { pageQuery } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { listConnections } from '#shared/use-cases/list-connections';

export const handler = studioRoute({ query: pageQuery }, async ({ studio, query }) => ({
  status: 200,
  body: await listConnections(productionDependencies(), { studioId: studio.studioId, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
}));
