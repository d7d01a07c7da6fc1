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
      // DISC-02: ID-porten's document for our issuer, from what the registered modules contribute;
      // DISC-04: a module that is not registered contributes nothing.
      // CLIENT-16: rebuilt only when the live scope registry changed (scopes_supported), else the
      // same string is served.
      const build = () => JSON.stringify(buildProviderMetadata(context.config.issuer, modules.flatMap((m) => (m.metadata ? [m.metadata(context)] : []))));
      let body = build();
      let builtAt = context.scopes.version;
      const current = (): string => {
        if (context.scopes.version !== builtAt) {
          builtAt = context.scopes.version;
          body = build();
        }
        return body;
      };
      const typed = app.withTypeProvider<ZodTypeProvider>();
      // RFC 8414 §3.1: for an issuer with a path, the well-known segment goes between host and
      // path (https://host/.well-known/oauth-authorization-server/idp). That URL reaches us
      // unstripped by the proxy that serves the issuer's path, so it is registered as such; the
      // appended form under the issuer stays for clients that build it that way.
      const issuerPath = new URL(context.config.issuer).pathname.replace(/\/$/, '');
      const paths: [string, string][] = [
        ['/.well-known/openid-configuration', 'OpenID Provider configuration (OIDC Discovery 1.0 §4, DISC-01)'],
        ['/.well-known/oauth-authorization-server', 'Authorization server metadata (RFC 8414 §3), same content'],
        ...(issuerPath !== '' ? [[`/.well-known/oauth-authorization-server${issuerPath}`, 'Authorization server metadata at the RFC 8414 §3.1 location for an issuer with a path'] as [string, string]] : []),
      ];
      for (const [path, summary] of paths) {
        typed.get(path, { schema: { tags: ['discovery'], summary, response: { 200: metadataSchema } } }, async (_request, reply) => {
          cacheable(reply, maxAgeSeconds).header('access-control-allow-origin', '*').type('application/json; charset=utf-8').serializer((x) => x as string);
          return current() as never;
        });
      }
    },
  };
}
