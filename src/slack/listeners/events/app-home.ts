import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { pendingRequests, recentDecisions, requestsOf, type RequestRecord } from '../../../services/list-requests.js';
import { referenceNames } from '../../../services/form-data.js';
import type { SlackDeps } from '../../context.js';
import { appHomeView, HOME_DECISIONS_MAX } from '../../views/app-home.js';
import type { RequestListItem } from '../../views/model.js';
import { describeRequest } from '../../views/request-summary.js';

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

/** App Home: a requester's recent requests and their states; for approvers, what waits for them and the last decisions. */
export const appHomeOpened =
  (deps: SlackDeps) =>
  async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    await publishHome(deps, client, event.user);
  };

export async function publishHome(deps: SlackDeps, client: Args['client'], userId: string): Promise<void> {
  const isApprover = deps.access.isApprover(userId);
  const [mine, pending, decided, names] = await Promise.all([
    requestsOf(deps.services, userId, 20),
    isApprover ? pendingRequests(deps.services, 50) : Promise.resolve(null),
    isApprover ? recentDecisions(deps.services, HOME_DECISIONS_MAX) : Promise.resolve(null),
    referenceNames(deps.services),
  ]);
  for (const r of [...mine, ...(pending ?? []), ...(decided ?? [])]) {
    if (r.unreadable) deps.logger.warn({ requestId: r.id, kind: r.kind, unreadable: r.unreadable }, 'stored request payload is unreadable; App Home shows the request as unreadable');
  }
  const item = (r: RequestRecord): RequestListItem => ({ id: r.id, kind: r.kind, state: r.state, requesterId: r.requesterId, createdAt: r.createdAt, reason: r.reason, approverId: r.approverId, decidedAt: r.decidedAt, ...describeRequest(r.kind, r.payload, names) });
  await client.views.publish({ user_id: userId, view: appHomeView({ userId, myRequests: mine.map(item), pendingForApproval: pending?.map(item) ?? null, recentDecisions: decided?.map(item) ?? null, referenceDataLoaded: names.loaded }) });
}
