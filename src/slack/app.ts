import { App, type AuthorizeResult, type CustomRoute } from '@slack/bolt';
import type { Config } from '../config.js';
import { boltLogger } from '../logger.js';
import type { SlackDeps } from './context.js';
import { registerListeners } from './listeners/index.js';
import { webApiEndpoint } from '../web-api-fetch.js';

/**
 * The Bolt app: Socket Mode when an app-level token is configured (a laptop behind NAT), otherwise
 * HTTP on PORT with Slack's request signing checked on every request to /slack/events.
 */
export function buildSlackApp(config: Config, deps: SlackDeps, routes: CustomRoute[], identity: Promise<AuthorizeResult>): App {
  const { logger } = deps;
  const common = {
    authorize: () => identity,
    logger: boltLogger(logger),
    customRoutes: routes,
    // Bolt's default conversation store keeps state in this process (wrong with several instances) and
    // builds a "Conversation not found" Error, stack and all, for every event: no listener reads it.
    convoStore: false as const,
    clientOptions: webApiEndpoint(config.slack.apiUrl),
  };
  const app = config.slack.appToken
    ? new App({ ...common, socketMode: true, appToken: config.slack.appToken, installerOptions: { port: config.port } })
    : new App({ ...common, signingSecret: requiredSigningSecret(config) });
  registerListeners(app, deps);
  app.error((err) => {
    logger.error({ err }, 'unhandled error in a Slack listener');
    return Promise.resolve();
  });
  return app;
}

/** parseConfig already refuses HTTP mode without a signing secret; this keeps a hand-made Config honest too. */
function requiredSigningSecret(config: Config): string {
  if (!config.slack.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN selects Socket Mode');
  return config.slack.signingSecret;
}
