/**
 * The API documentation: Swagger UI (from the `swagger-ui-dist` package, served by the same function,
 * no CDN) over the generated OpenAPI document. The page loads only its own assets, under a strict
 * Content-Security-Policy: no inline script, no third-party origin.
 *
 * The asset files are read from the installed package at run time (`require.resolve`), so on AWS the
 * package must ship next to the bundle (the topology lists it in the function's `runtimePackages`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface DocsAsset {
  contentType: string;
  /** Uncompressed bytes. */
  body: Buffer;
  /** Gzipped bytes, computed once: the bundle is 1.7 MB, about 0.5 MB compressed. */
  gzipped: Buffer;
}

/** The only files the page needs; anything else under /v1/docs/ is a 404. */
const packageFiles: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Our own start-up script (a file, not inline, so the CSP needs no 'unsafe-inline' for scripts). */
export const initializerAsset = 'init.js';

// The document's URL is resolved against the page's (`/v1/docs` → `/v1/openapi.json`), so the page
// works behind any host or custom domain. validatorUrl: null keeps Swagger UI from calling swagger.io.
const initializer = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', window.location.href).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
`;

export function contentSecurityPolicy(apiOrigin: string): string {
  // Swagger UI sets style attributes from script; 'unsafe-inline' is limited to styles.
  // connect-src: the document and "Try it out" calls to the API's public origin.
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** The page at `/v1/docs`: asset URLs are relative (`docs/…` from `/v1/docs` is `/v1/docs/…`). */
export function docsPage(apiOrigin: string): APIGatewayProxyStructuredResultV2 {
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>agyo-fic-onboarding API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js" charset="utf-8"></script>
  <script src="docs/${initializerAsset}" charset="utf-8"></script>
</body>
</html>
`;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': contentSecurityPolicy(apiOrigin),
      ...securityHeaders,
    },
    body: html,
  };
}

let packageDirectory: string | undefined;
const assets = new Map<string, DocsAsset>();

function swaggerUiDirectory(): string {
  // Resolved from this module (or the bundle): the package's own folder, wherever it is installed.
  if (packageDirectory) return packageDirectory;
  try {
    packageDirectory = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch (error) {
    throw new Error('swagger-ui-dist is not installed next to this code: on Lambda, the function must list it in its topology runtimePackages', { cause: error });
  }
  return packageDirectory;
}

/** One of the page's assets by file name, or undefined when it is not one of them. */
export function docsAsset(name: string): DocsAsset | undefined {
  const cached = assets.get(name);
  if (cached) return cached;
  let asset: DocsAsset | undefined;
  if (name === initializerAsset) {
    const body = Buffer.from(initializer, 'utf8');
    asset = { contentType: 'text/javascript; charset=utf-8', body, gzipped: gzipSync(body) };
  } else if (Object.hasOwn(packageFiles, name)) {
    const body = readFileSync(path.join(swaggerUiDirectory(), name));
    asset = { contentType: packageFiles[name]!, body, gzipped: gzipSync(body) };
  }
  if (asset) assets.set(name, asset);
  return asset;
}

/** The asset as a Lambda response: gzipped when the client accepts it (API Gateway does not compress). */
export function assetResponse(asset: DocsAsset, acceptEncoding: string | undefined): APIGatewayProxyStructuredResultV2 {
  const gzip = /\bgzip\b/i.test(acceptEncoding ?? '');
  return {
    statusCode: 200,
    headers: {
      'content-type': asset.contentType,
      // The file names carry no hash: cache for an hour, not forever.
      'cache-control': 'public, max-age=3600',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...securityHeaders,
    },
    body: (gzip ? asset.gzipped : asset.body).toString('base64'),
    isBase64Encoded: true,
  };
}
