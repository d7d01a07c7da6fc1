// GET /metrics: Prometheus text format (docs/interface.md, "Operations"). On the public listener
// unless OP_METRICS_PORT is set; then only on that port (app.ts, buildMetricsApp).
import type { FastifyInstance } from 'fastify';
import { noStore } from '../http/headers.js';
import type { RouteModule } from './module.js';

export const metricsPath = '/metrics';

export function registerMetricsRoute(app: FastifyInstance): void {
  app.get(metricsPath, { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format); absent here when OP_METRICS_PORT is set' } }, async (_request, reply) => {
    const { metrics } = app.services;
    const body = await metrics.render();
    return noStore(reply).type(metrics.contentType).send(body);
  });
}

export const metricsModule: RouteModule = {
  name: 'metrics',
  register(app) {
    if (app.services.config.metricsPort === undefined) registerMetricsRoute(app);
  },
};
