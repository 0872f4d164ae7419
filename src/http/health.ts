import type { CustomRoute } from '@slack/bolt';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';

/** `GET /healthz`: 200 when the database answers, 503 when it does not (for load balancers and probes). */
export function healthRoute(database: Database, logger: Logger): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      database.ping().then(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'ok', database: database.driver }));
        },
        (err: unknown) => {
          logger.error({ err }, 'health check: database did not answer');
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'unavailable', database: database.driver }));
        },
      );
    },
  };
}
