import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { CollectionKind } from '../../domain/collections.js';
import type { ViewStateValues } from '../forms/view-state.js';
import { ACTIONS, BLOCKS, VIEWS } from '../ids.js';
import { inputBlock, option, plain } from './form-kit.js';
import type { CollectionChoice } from './model.js';
import { invalid, packedParentSchema, packParent, parseJson, unpackParent, type ParentFormState } from './user-form-state.js';

/** Slack's limit on the options of one multi_static_select. */
export const COLLECTIONS_PER_SELECT = 100;
/** Versions only grow by one per Select/Deselect All; anything near this is forged. */
const MAX_VERSION = 1_000_000;

const LISTS = {
  user: {
    title: '*Users* — collections available for users',
    label: 'Users',
    blockId: BLOCKS.userCollections,
    actionsBlockId: BLOCKS.userCollectionsActions,
    selectAll: ACTIONS.selectAllUsers,
    deselectAll: ACTIONS.deselectAllUsers,
  },
  agent: {
    title: '*Agents* — collections available for agents',
    label: 'Agents',
    blockId: BLOCKS.agentCollections,
    actionsBlockId: BLOCKS.agentCollectionsActions,
    selectAll: ACTIONS.selectAllAgents,
    deselectAll: ACTIONS.deselectAllAgents,
  },
} as const satisfies Record<CollectionKind, unknown>;

export interface CollectionsModalInput {
  /** The active collections, both kinds. */
  collections: CollectionChoice[];
  selected: ReadonlySet<number>;
  /**
   * Part of every list's block ID. Select All / Deselect All rebuild the view with version + 1: Slack
   * keeps a block's typed state across `views.update` while its block ID stays, so a new ID is what
   * makes it show the new initial options.
   */
  version: number;
  /**
   * The User Info view's state (its collection choice left out: this view's values replace it), kept
   * in private_metadata so the listener can rebuild User Info on "Done": Slack sends a pushed view's
   * submission without its parent. Read it back with `decodeCollectionsMetadata`.
   */
  parent?: ParentFormState;
}

/**
 * The Collections step: the clone seed's Collections tab, two lists (Users, Agents) with Select All
 * and Deselect All above each. A multi_static_select holds at most 100 options, so a kind with more
 * collections is split into consecutive selects of 100 (block IDs `<list>_<version>_<part>`, part
 * from 1, labelled "Users 101–200 of 250"); with at most 100 the block ID is `<list>_<version>`.
 * A kind with no collections shows a line instead of an empty select (which Slack refuses).
 * `readCollectionSelection` reads any of these blocks back.
 */
export function collectionsModal(input: CollectionsModalInput): ModalView {
  const blocks: KnownBlock[] = [];
  for (const kind of ['user', 'agent'] as const) {
    const list = LISTS[kind];
    const collections = input.collections.filter((c) => c.kind === kind);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: list.title } });
    if (collections.length === 0) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `No collections for ${kind}s are set up.` }] });
      continue;
    }
    blocks.push({
      type: 'actions',
      block_id: list.actionsBlockId,
      elements: [
        { type: 'button', action_id: list.selectAll, text: plain('Select All') },
        { type: 'button', action_id: list.deselectAll, text: plain('Deselect All') },
      ],
    });
    const parts = Math.ceil(collections.length / COLLECTIONS_PER_SELECT);
    for (let part = 1; part <= parts; part++) {
      const slice = collections.slice((part - 1) * COLLECTIONS_PER_SELECT, part * COLLECTIONS_PER_SELECT);
      const options = slice.map((c) => option(c.name, String(c.id)));
      const initial = options.filter((_o, i) => input.selected.has((slice[i] as CollectionChoice).id));
      const blockId = parts === 1 ? `${list.blockId}_${input.version}` : `${list.blockId}_${input.version}_${part}`;
      const from = (part - 1) * COLLECTIONS_PER_SELECT + 1;
      const label = parts === 1 ? list.label : `${list.label} ${from}–${from + slice.length - 1} of ${collections.length}`;
      blocks.push(
        inputBlock(
          blockId,
          label,
          {
            type: 'multi_static_select',
            placeholder: plain('Choose collections'),
            options,
            // Slack refuses an empty initial_options: none selected means none given.
            ...(initial.length > 0 ? { initial_options: initial } : {}),
          },
          { optional: true },
        ),
      );
    }
  }
  const metadata: CollectionsMetadata = input.parent ? { v: input.version, p: packParent(input.parent) } : { v: input.version };
  return {
    type: 'modal',
    callback_id: VIEWS.collections,
    private_metadata: JSON.stringify(metadata),
    title: plain('Collections'),
    submit: plain('Done'),
    close: plain('Back'),
    blocks,
  };
}

const metadataSchema = z.strictObject({ v: z.number().int().min(0).max(MAX_VERSION), p: packedParentSchema.optional() });
type CollectionsMetadata = z.input<typeof metadataSchema>;

/** Reads the Collections view's private_metadata; throws `invalid private_metadata` on anything else. */
export function decodeCollectionsMetadata(text: string): { version: number; parent?: ParentFormState } {
  const parsed = metadataSchema.safeParse(parseJson(text));
  if (!parsed.success) throw invalid();
  return parsed.data.p ? { version: parsed.data.v, parent: unpackParent(parsed.data.p) } : { version: parsed.data.v };
}

const LIST_BLOCK = new RegExp(`^(?:${BLOCKS.userCollections}|${BLOCKS.agentCollections})_\\d{1,7}(?:_\\d{1,3})?$`);
const ID = /^[1-9]\d{0,9}$/;
const MAX_ID = 2_147_483_647;

/**
 * The collection IDs selected in a submitted (or updated) Collections view, sorted, without repeats.
 * Reads every list block whatever its version or part and ignores every other block; values that are
 * not collection IDs are skipped (the use case refuses IDs it does not know). Never throws.
 */
export function readCollectionSelection(values: ViewStateValues): number[] {
  const ids = new Set<number>();
  if (typeof values !== 'object' || values === null) return [];
  for (const [blockId, actions] of Object.entries(values)) {
    if (!LIST_BLOCK.test(blockId) || typeof actions !== 'object' || actions === null) continue;
    const selected: unknown = (actions as Record<string, { selected_options?: unknown } | undefined>)[ACTIONS.input]?.selected_options;
    if (!Array.isArray(selected)) continue;
    for (const o of selected as unknown[]) {
      const value: unknown = typeof o === 'object' && o !== null ? (o as { value?: unknown }).value : undefined;
      if (typeof value !== 'string' || !ID.test(value)) continue;
      const id = Number(value);
      if (id <= MAX_ID) ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}
