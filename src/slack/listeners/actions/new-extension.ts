import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { extensionFormData } from '../../../services/form-data.js';
import type { SlackDeps } from '../../context.js';
import { extensionModal } from '../../views/extension-modal.js';
import { decodeUserFormState, readMetadata } from '../../views/user-form-state.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** "Set up a new extension…" on an agent's User Info step: push the extension form as a step. */
export const setUpNewExtension =
  (deps: SlackDeps) =>
  async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    if (!body.view || !deps.access.canRequest(body.user.id)) return;
    const state = readMetadata(decodeUserFormState, body.view.private_metadata);
    if (!state) return void deps.logger.warn({ userId: body.user.id }, 'ignored Set up a new extension on a view with unreadable private_metadata');
    // The step carries the whole User Info state; Done puts the draft into it and rebuilds User Info.
    const view = extensionModal({ purpose: 'agent_step', choices: await extensionFormData(deps.services), parent: state, ...(state.newExtension ? { prefill: state.newExtension } : {}) });
    await client.views.push({ trigger_id: body.trigger_id, view });
  };
