// Liveness and readiness for orchestrators. /readyz answers 503 while the store is unreachable.
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { noStore } from '../http/headers.js';
import type { RouteModule } from './module.js';

const readinessTimeoutMs = 1000;

const ready = z.object({
  status: z.enum(['ready', 'unavailable']),
  store: z.enum(['redis', 'memory']),
  store_reachable: z.boolean(),
  signing_keys: z.number().int().describe('Number of published signing keys; the first one signs'),
});

export const healthModule: RouteModule = {
  name: 'health',
  register(app) {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/healthz',
      { schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
      async (_request, reply) => {
        noStore(reply);
        return { status: 'ok' as const };
      },
    );
    typed.get(
      '/readyz',
      {
        schema: {
          tags: ['operations'],
          summary: 'Readiness: the store answers and signing keys are loaded',
          response: { 200: ready, 503: ready },
        },
      },
      async (request, reply) => {
        const { store, signingKeys } = app.services;
        let timer: NodeJS.Timeout | undefined;
        const reachable = await Promise.race([
          store.ping().then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), readinessTimeoutMs);
          }),
        ])
          .catch(() => false)
          .finally(() => clearTimeout(timer));
        const isReady = reachable && signingKeys.all.length > 0;
        if (!isReady) request.log.warn({ store: store.description }, 'not ready: store unreachable');
        noStore(reply).code(isReady ? 200 : 503);
        return { status: isReady ? ('ready' as const) : ('unavailable' as const), store: store.kind, store_reachable: reachable, signing_keys: signingKeys.all.length };
      },
    );
  },
};
