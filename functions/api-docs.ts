/**
 * GET /v1/docs, GET /v1/docs/{asset}, GET /v1/openapi.json: the API documentation. The OpenAPI
 * document is generated from the zod contract (`#shared/http/openapi`), its `servers` is the public
 * base URL; the page is Swagger UI from `swagger-ui-dist`, served by this function (no CDN).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '#shared/config';
import { assetResponse, docsAsset, docsPage } from '#shared/http/api-docs';
import { openApiDocument } from '#shared/http/openapi';
import { HttpProblem, problemResponse } from '#shared/http/problem';
import { json } from '#shared/http/responses';

let document: string | undefined;

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const publicBaseUrl = config().PUBLIC_BASE_URL.replace(/\/+$/, '');
  switch (event.routeKey) {
    case 'GET /v1/openapi.json':
      document ??= JSON.stringify(openApiDocument(publicBaseUrl));
      return { ...json(200, null, { 'cache-control': 'no-cache' }), body: document };
    case 'GET /v1/docs':
      return docsPage(new URL(publicBaseUrl).origin);
    case 'GET /v1/docs/{asset}': {
      const asset = docsAsset(event.pathParameters?.asset ?? '');
      if (asset) return assetResponse(asset, event.headers['accept-encoding']);
      return problemResponse(new HttpProblem(404, 'not-found', 'Not found', 'No such documentation file.'), event.requestContext.requestId);
    }
    default:
      return problemResponse(new HttpProblem(404, 'not-found', 'Not found', 'No such resource.'), event.requestContext.requestId);
  }
};
