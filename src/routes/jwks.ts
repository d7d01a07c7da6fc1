// JWKS-01 RFC 7517 §5: the public signing keys in file order: staged, signing and retired ones
// (JWKS-03). A reload of the keys file (SIGHUP) shows here at once.
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { cacheable } from '../http/headers.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { RouteModule } from './module.js';

export const jwksPath = '/jwks.json';
const maxAgeSeconds = 600;

const jwk = z.object({
  kty: z.literal('RSA'),
  use: z.literal('sig'),
  alg: z.literal('RS256'),
  kid: z.string().describe('RFC 7638 SHA-256 thumbprint unless the keys file names one (JWKS-04)'),
  n: z.string(),
  e: z.string(),
  x5c: z.array(z.string()).describe('Base64 DER certificate chain of the key (JWKS-01)'),
});

export const jwksModule: RouteModule = {
  name: 'jwks',
  register(app) {
    const keys = app.services.signingKeys;
    // Serialized once per key set: the set only changes when the keys file is reloaded.
    let serialized = { jwks: keys.jwks, body: JSON.stringify(keys.jwks) };
    app.withTypeProvider<ZodTypeProvider>().get(
      jwksPath,
      {
        schema: {
          tags: ['discovery'],
          summary: 'JSON Web Key Set of the provider (JWKS-01)',
          response: { 200: z.object({ keys: z.array(jwk) }) },
        },
      },
      async (_request, reply) => {
        if (serialized.jwks !== keys.jwks) serialized = { jwks: keys.jwks, body: JSON.stringify(keys.jwks) };
        cacheable(reply, maxAgeSeconds).header('access-control-allow-origin', '*').type('application/json; charset=utf-8').serializer((x) => x as string);
        return serialized.body as never;
      },
    );
  },
  metadata: ({ config }) => ({ jwks_uri: endpointUrl(config.issuer, jwksPath) }),
};
