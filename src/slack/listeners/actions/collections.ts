import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { listCollections } from '../../../services/form-data.js';
import type { SlackDeps } from '../../context.js';
import { ACTIONS } from '../../ids.js';
import { collectionsModal, decodeCollectionsMetadata, readCollectionSelection } from '../../views/collections-modal.js';
import { decodeUserFormState, readMetadata } from '../../views/user-form-state.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** "Choose collections…" on the User Info step: push the Collections step with the current selection. */
export const chooseCollections =
  (deps: SlackDeps) =>
  async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    if (!body.view || !deps.access.canRequest(body.user.id)) return;
    const state = readMetadata(decodeUserFormState, body.view.private_metadata);
    if (!state) return void deps.logger.warn({ userId: body.user.id }, 'ignored Choose collections on a view with unreadable private_metadata');
    const { collectionIds, ...parent } = state;
    const collections = await listCollections(deps.services);
    const selected = new Set(collectionIds === 'all' ? collections.map((c) => c.id) : collectionIds);
    // The step carries the User Info state except the collections, which it decides.
    await client.views.push({ trigger_id: body.trigger_id, view: collectionsModal({ collections, selected, version: 0, parent }) });
  };

/** Select All / Deselect All above each list: rebuild the step with the list filled or emptied. */
export const selectOrDeselectAll =
  (deps: SlackDeps) =>
  async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    if (!body.view || !deps.access.canRequest(body.user.id) || action.type !== 'button') return;
    const meta = readMetadata(decodeCollectionsMetadata, body.view.private_metadata);
    if (!meta) return void deps.logger.warn({ userId: body.user.id }, 'ignored Select/Deselect All on a view with unreadable private_metadata');
    const collections = await listCollections(deps.services);
    const selected = new Set(readCollectionSelection(body.view.state.values));
    const kind = action.action_id === ACTIONS.selectAllUsers || action.action_id === ACTIONS.deselectAllUsers ? 'user' : 'agent';
    const select = action.action_id === ACTIONS.selectAllUsers || action.action_id === ACTIONS.selectAllAgents;
    for (const c of collections) {
      if (c.kind !== kind) continue;
      if (select) selected.add(c.id);
      else selected.delete(c.id);
    }
    // A new version gives the lists new block IDs, so Slack shows the new selection, not the old state.
    const view = collectionsModal({ collections, selected, version: meta.version + 1, ...(meta.parent ? { parent: meta.parent } : {}) });
    // A second click before Slack showed the first one's result makes the hash stale: the first wins.
    await client.views.update({ view_id: body.view.id, hash: body.view.hash, view }).catch((err: unknown) => {
      if ((err as { data?: { error?: string } }).data?.error !== 'hash_conflict') throw err;
      deps.logger.info({ userId: body.user.id }, 'Select/Deselect All: the view changed meanwhile; kept the newer one');
    });
  };
