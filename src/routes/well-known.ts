// DISC-01…06: OIDC Discovery 1.0 §4 and RFC 8414 §3 documents, identical content. DISC-02: the
// content is ID-porten's document for our issuer, assembled from the registered modules.
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { cacheable } from '../http/headers.js';
import { buildProviderMetadata } from '../protocol/discovery.js';
import type { RouteModule } from './module.js';

const maxAgeSeconds = 3600;

const metadataSchema = z
  .object({ issuer: z.string(), jwks_uri: z.string() })
  .catchall(z.unknown())
  .describe('Provider metadata (OIDC Discovery 1.0 §3, RFC 8414 §2); lists only what this deployment implements (DISC-04)');

export function wellKnownModule(modules: readonly RouteModule[]): RouteModule {
  return {
    name: 'well-known',
    register(app) {
      const context = app.services;
      const metadata = buildProviderMetadata(
        context.config.issuer,
        modules.flatMap((m) => (m.metadata ? [m.metadata(context)] : [])),
      );
      const body = JSON.stringify(metadata);
      const typed = app.withTypeProvider<ZodTypeProvider>();
      for (const [path, summary] of [
        ['/.well-known/openid-configuration', 'OpenID Provider configuration (OIDC Discovery 1.0 §4, DISC-01)'],
        ['/.well-known/oauth-authorization-server', 'Authorization server metadata (RFC 8414 §3), same content'],
      ] as const) {
        typed.get(path, { schema: { tags: ['discovery'], summary, response: { 200: metadataSchema } } }, async (_request, reply) => {
          cacheable(reply, maxAgeSeconds).header('access-control-allow-origin', '*').type('application/json; charset=utf-8').serializer((x) => x as string);
          return body as never;
        });
      }
    },
  };
}
