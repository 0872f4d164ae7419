import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { searchUsers } from '../../../services/search-users.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { openUserForm } from '../../flows/user-form.js';
import { decodeFindQuery, FIND_PAGE_SIZE, findResultsMessage } from '../../views/find-results.js';
import type { FindQuery } from '../../views/model.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** Paging and the agent / non-agent filter of `/provision find`: the ephemeral message is replaced. */
export const findNavigate =
  (deps: SlackDeps) =>
  async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    if (!deps.access.canRequest(body.user.id)) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_ALLOWED_TEXT }));
    const encoded = action.type === 'button' ? action.value : action.type === 'static_select' ? action.selected_option.value : undefined;
    let query: FindQuery;
    try {
      query = decodeFindQuery(encoded ?? '');
    } catch {
      deps.logger.warn({ userId: body.user.id }, 'find: refused a malformed query value');
      return;
    }
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await findAnswer(deps, query)) });
  };

/** The results message of a find: the command's answer, a page or filter change, the App Home's DM. */
export async function findAnswer(deps: SlackDeps, query: FindQuery): Promise<ReturnType<typeof findResultsMessage>> {
  const result = await searchUsers(deps.services, {
    text: query.text.slice(0, 200),
    kind: query.kind,
    status: query.status ?? 'active',
    siteKeys: query.siteKeys ?? [],
    departmentKeys: query.departmentKeys ?? [],
    page: query.page,
    pageSize: FIND_PAGE_SIZE,
  });
  return findResultsMessage({ query, rows: result.rows, hasMore: result.hasMore, pageSize: FIND_PAGE_SIZE });
}

/** The Clone button on a result row opens the Clone User modal for that user. */
export const cloneFromResults =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, body, action, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(body.trigger_id);
    await ack();
    if (action.type !== 'button' || !action.value) return;
    if (!deps.access.canRequest(body.user.id)) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_ALLOWED_TEXT }));
    const release = gate.tryEnter();
    if (!release) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: BUSY_TEXT }));
    try {
      await openUserForm(deps, client, trigger, body.user.id, 'clone', { sourceUsername: action.value });
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `Clone button: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the Clone User modal');
      await respond({ response_type: 'ephemeral', replace_original: false, text: known?.text ?? APOLOGY_TEXT });
    } finally {
      release();
    }
  };
