// Test mode only (docs/interface.md, "Tools for relying-party developers"): GET / (a landing page
// linking discovery, JWKS, the debugger, the API reference and the clients with their redirect
// URIs), GET /openapi.json (the document generated from the route schemas, the one
// openapi/openapi.yaml is written from, with this provider's issuer as server) and GET /docs (an
// API reference rendered from it). In prod mode none of them exists (404).
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import { testPersons } from '../flows/developer-tools.js';
import { noStore, sendPage } from '../http/headers.js';
import { debuggerPath } from '../registry/debugger-client.js';
import { renderApiReference, renderLandingPage } from '../views/developer-pages.js';
import { jwksPath } from './jwks.js';
import type { RouteModule } from './module.js';

const landingPath = '/';
const openapiPath = '/openapi.json';
const apiReferencePath = '/docs';

export const developerModule: RouteModule = {
  name: 'developer',
  register(app) {
    const services = app.services;
    if (services.config.mode !== 'test') return;
    const base = services.basePath;
    const page = { config: { errorStyle: 'html' as const } };
    let document: OpenAPIV3_1.Document | undefined;
    const openapi = () => (document ??= app.swagger() as OpenAPIV3_1.Document);
    // The document and the page made from it never change once the routes are registered.
    let documentJson: string | undefined;
    let apiReference: ReturnType<typeof renderApiReference> | undefined;

    app.get(landingPath, { ...page, schema: { tags: ['developer'], summary: 'Landing page for relying-party developers (test mode only)', querystring: z.object({}).passthrough() } }, async (_request, reply) =>
      sendPage(
        reply,
        renderLandingPage({
          issuer: services.config.issuer,
          links: {
            discovery: `${base}/.well-known/openid-configuration`,
            jwks: `${base}${jwksPath}`,
            debugger: `${base}${debuggerPath}`,
            apiReference: `${base}${apiReferencePath}`,
            openapi: `${base}${openapiPath}`,
          },
          clients: services.registry.all().filter((client) => client.active),
          persons: testPersons(services.clock()),
        }),
      ),
    );
    app.get(openapiPath, { schema: { tags: ['developer'], summary: 'The OpenAPI 3.1 document of this provider (test mode only)' } }, async (_request, reply) => {
      noStore(reply).header('access-control-allow-origin', '*').type('application/json; charset=utf-8');
      return (documentJson ??= JSON.stringify(openapi()));
    });
    app.get(apiReferencePath, { ...page, schema: { tags: ['developer'], summary: 'API reference page rendered from /openapi.json (test mode only)' } }, async (_request, reply) =>
      sendPage(reply, (apiReference ??= renderApiReference(openapi(), `${base}${openapiPath}`))),
    );
  },
};
