import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { listCollections } from '../../../services/form-data.js';
import type { SlackDeps } from '../../context.js';
import { buildUserInfoView } from '../../flows/user-form.js';
import { decodeCollectionsMetadata, readCollectionSelection } from '../../views/collections-modal.js';
import { readMetadata } from '../../views/user-form-state.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * "Done" on the Collections step: the step closes (an empty ack returns to User Info, whose typed
 * values Slack keeps), and User Info is rebuilt with the new selection in its state.
 */
export const collectionsDone =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    if (!deps.access.canRequest(body.user.id)) return ack();
    const meta = readMetadata(decodeCollectionsMetadata, view.private_metadata);
    if (!meta) deps.logger.warn({ userId: body.user.id }, 'ignored a Collections step with unreadable private_metadata');
    const parent = meta?.parent;
    if (!parent) return ack();
    const collections = await listCollections(deps.services);
    const known = new Set(collections.map((c) => c.id));
    const chosen = [...new Set(readCollectionSelection(view.state.values))].filter((id) => known.has(id)).sort((a, b) => a - b);
    await ack();
    const state = { ...parent, collectionIds: chosen.length === collections.length ? ('all' as const) : chosen };
    let rebuilt;
    try {
      rebuilt = await buildUserInfoView(deps, body.user.id, state);
    } catch (err) {
      // A clone source that is not in the directory: only forged metadata names one.
      if (!isInvalidInput(err)) throw err;
      return void deps.logger.warn({ userId: body.user.id, reason: err.message }, 'did not rebuild User Info from a Collections step');
    }
    await client.views.update({ view_id: view.root_view_id ?? '', view: rebuilt });
  };
