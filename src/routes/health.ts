// Liveness and readiness for orchestrators. /readyz answers 503 while the store is unreachable or
// the process sheds load (the event loop lags beyond OP_MAX_EVENT_LOOP_DELAY_MS), so that a load
// balancer sends new work elsewhere. Neither endpoint is ever shed itself.
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { noStore } from '../http/headers.js';
import type { RouteModule } from './module.js';

const readinessTimeoutMs = 1000;

const ready = z.object({
  status: z.enum(['ready', 'unavailable']),
  store: z.enum(['redis', 'memory']),
  store_reachable: z.boolean(),
  under_pressure: z.boolean().describe('The event loop lags beyond OP_MAX_EVENT_LOOP_DELAY_MS; requests are shed with 503'),
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
          summary: 'Readiness: the store answers, signing keys are loaded and the process is not shedding load',
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
        const underPressure = app.isUnderPressure();
        const isReady = reachable && !underPressure && signingKeys.all.length > 0;
        if (!isReady) request.log.warn({ store: store.description, store_reachable: reachable, under_pressure: underPressure }, 'not ready');
        noStore(reply).code(isReady ? 200 : 503);
        return {
          status: isReady ? ('ready' as const) : ('unavailable' as const),
          store: store.kind,
          store_reachable: reachable,
          under_pressure: underPressure,
          signing_keys: signingKeys.all.length,
        };
      },
    );
  },
};
