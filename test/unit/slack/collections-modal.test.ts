import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ViewStateValues as FormValues } from '../../../src/slack/forms/view-state.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../../src/slack/ids.js';
import {
  COLLECTIONS_PER_SELECT,
  collectionsModal,
  decodeCollectionsMetadata,
  readCollectionSelection,
  type CollectionsModalInput,
} from '../../../src/slack/views/collections-modal.js';
import type { CollectionChoice } from '../../../src/slack/views/model.js';
import { assertWithinSlackLimits, slackLimitViolations } from '../../support/block-kit-limits.js';
import { blockIdOfLabel, clientSideErrors, elementOfLabel, fillView, inputLabels, optionTexts, type SlackView, type ViewBlock } from '../../support/fill-view.js';
import { collections, DRAFT } from './form-fixtures.js';

function build(over: Partial<CollectionsModalInput> = {}): { modal: ModalView; view: SlackView } {
  const modal = collectionsModal({ collections: collections(4), selected: new Set(), version: 0, ...over });
  return { modal, view: JSON.parse(JSON.stringify(modal)) as SlackView };
}

const asFormValues = (values: ReturnType<typeof fillView>): FormValues => values as unknown as FormValues;
const ofKind = (list: CollectionChoice[], kind: CollectionChoice['kind']) => list.filter((c) => c.kind === kind);
const idsOf = (list: CollectionChoice[]) => list.map((c) => c.id);

function listBlocks(view: SlackView, kind: 'user' | 'agent'): ViewBlock[] {
  const prefix = kind === 'user' ? BLOCKS.userCollections : BLOCKS.agentCollections;
  return view.blocks.filter((b) => b.type === 'input' && (b.block_id ?? '').startsWith(`${prefix}_`));
}

function actionsBlock(view: SlackView, kind: 'user' | 'agent'): ViewBlock | undefined {
  return view.blocks.find((b) => b.type === 'actions' && b.block_id === (kind === 'user' ? BLOCKS.userCollectionsActions : BLOCKS.agentCollectionsActions));
}

/** Every option value offered in one kind's list(s), in order. */
function offered(view: SlackView, kind: 'user' | 'agent'): string[] {
  return listBlocks(view, kind).flatMap((b) => (b.element?.options ?? []).map((o) => o.value ?? ''));
}

function initiallySelected(view: SlackView, kind: 'user' | 'agent'): string[] {
  return listBlocks(view, kind).flatMap((b) => (b.element?.initial_options ?? []).map((o) => o.value ?? ''));
}

describe('collectionsModal: the seed\'s two lists', () => {
  it('has a Users list and an Agents list, each a multi-select of its own kind', () => {
    const { modal, view } = build();
    expect(inputLabels(view)).toEqual(['Users', 'Agents']);
    expect(optionTexts(view, 'Users')).toEqual(['Collection 1', 'Collection 3']);
    expect(optionTexts(view, 'Agents')).toEqual(['Collection 2', 'Collection 4']);
    for (const label of ['Users', 'Agents']) {
      expect(elementOfLabel(view, label).type).toBe('multi_static_select');
      expect(elementOfLabel(view, label).action_id).toBe(ACTIONS.input);
    }
    expect(modal.callback_id).toBe(VIEWS.collections);
    expect(modal.title.text).toBe('Collections');
    expect(modal.submit?.text).toBe('Done');
    expect(modal.close?.text).toBe('Back');
  });

  it('keys the options by collection ID', () => {
    const list: CollectionChoice[] = [
      { id: 17, name: 'Inbound', kind: 'user' },
      { id: 230, name: 'Tier 1', kind: 'agent' },
    ];
    const { view } = build({ collections: list });
    expect(elementOfLabel(view, 'Users').options?.map((o) => [o.text.text, o.value])).toEqual([['Inbound', '17']]);
    expect(elementOfLabel(view, 'Agents').options?.map((o) => [o.text.text, o.value])).toEqual([['Tier 1', '230']]);
  });

  it('puts Select All and Deselect All buttons above each list', () => {
    const { view } = build();
    for (const kind of ['user', 'agent'] as const) {
      const actions = actionsBlock(view, kind);
      expect(actions, kind).toBeDefined();
      const buttons = (actions?.elements ?? []).map((e) => [e.type, e.text?.text, e.action_id]);
      const [selectAll, deselectAll] = kind === 'user' ? [ACTIONS.selectAllUsers, ACTIONS.deselectAllUsers] : [ACTIONS.selectAllAgents, ACTIONS.deselectAllAgents];
      expect(buttons).toEqual([
        ['button', 'Select All', selectAll],
        ['button', 'Deselect All', deselectAll],
      ]);
      const actionsAt = view.blocks.indexOf(actions as ViewBlock);
      const listAt = view.blocks.indexOf(listBlocks(view, kind)[0] as ViewBlock);
      expect(actionsAt).toBeLessThan(listAt);
      // Nothing else sits between the buttons and the list they act on.
      expect(listAt).toBe(actionsAt + 1);
    }
    // Users first, then Agents, as in the seed's two columns.
    expect(view.blocks.indexOf(listBlocks(view, 'user')[0] as ViewBlock)).toBeLessThan(view.blocks.indexOf(actionsBlock(view, 'agent') as ViewBlock));
  });

  it('is optional everywhere: Done with nothing selected is allowed', () => {
    const { view } = build();
    expect(clientSideErrors(view, fillView(view))).toEqual({});
  });

  it('says so instead of showing an empty list when a kind has no collections', () => {
    const onlyUsers: CollectionChoice[] = [{ id: 1, name: 'Inbound', kind: 'user' }];
    const { modal, view } = build({ collections: onlyUsers, selected: new Set([1]) });
    expect(inputLabels(view)).toEqual(['Users']);
    expect(actionsBlock(view, 'agent')).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('No collections for agents are set up.');
    assertWithinSlackLimits(modal);
    const none = build({ collections: [] });
    expect(inputLabels(none.view)).toEqual([]);
    assertWithinSlackLimits(none.modal);
  });
});

describe('collectionsModal: the selection', () => {
  it('shows the selected collections as initial options, in both lists', () => {
    const { modal, view } = build({ selected: new Set([1, 4]) });
    expect(elementOfLabel(view, 'Users').initial_options?.map((o) => o.value)).toEqual(['1']);
    expect(elementOfLabel(view, 'Agents').initial_options?.map((o) => o.value)).toEqual(['4']);
    assertWithinSlackLimits(modal);
  });

  it('gives no initial_options at all when none is selected (Slack refuses an empty list)', () => {
    const { modal, view } = build({ selected: new Set() });
    expect('initial_options' in elementOfLabel(view, 'Users')).toBe(false);
    expect('initial_options' in elementOfLabel(view, 'Agents')).toBe(false);
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  it('ignores selected IDs that are not offered', () => {
    const { modal, view } = build({ selected: new Set([2, 999]) });
    expect(initiallySelected(view, 'user')).toEqual([]);
    expect(initiallySelected(view, 'agent')).toEqual(['2']);
    assertWithinSlackLimits(modal);
  });

  it('reads back exactly what was selected, untouched or changed by the person', () => {
    const { view } = build({ selected: new Set([1, 2, 3, 4]) });
    expect(readCollectionSelection(asFormValues(fillView(view)))).toEqual([1, 2, 3, 4]);
    expect(readCollectionSelection(asFormValues(fillView(view, { Users: ['Collection 3'], Agents: [] })))).toEqual([3]);
  });

  it('Select All / Deselect All: a new version changes the list block IDs only, so Slack shows the new initial options', () => {
    const list = collections(6);
    const v0 = build({ collections: list, selected: new Set([1]), version: 0 }).view;
    // The person picks one more agent collection, then presses Select All above Users.
    const typed = readCollectionSelection(asFormValues(fillView(v0, { Agents: ['Collection 2'] })));
    expect(typed).toEqual([1, 2]);
    const afterSelectAll = new Set([...typed, ...idsOf(ofKind(list, 'user'))]);
    const v1 = build({ collections: list, selected: afterSelectAll, version: 1 }).view;
    expect(initiallySelected(v1, 'user')).toEqual(['1', '3', '5']);
    expect(initiallySelected(v1, 'agent')).toEqual(['2']);
    expect(blockIdOfLabel(v0, 'Users')).toBe(`${BLOCKS.userCollections}_0`);
    expect(blockIdOfLabel(v1, 'Users')).toBe(`${BLOCKS.userCollections}_1`);
    expect(blockIdOfLabel(v1, 'Agents')).toBe(`${BLOCKS.agentCollections}_1`);
    expect(actionsBlock(v1, 'user')?.block_id).toBe(actionsBlock(v0, 'user')?.block_id);
    // Deselect All above Agents.
    const v2 = build({ collections: list, selected: new Set([...afterSelectAll].filter((id) => !idsOf(ofKind(list, 'agent')).includes(id))), version: 2 }).view;
    expect(initiallySelected(v2, 'agent')).toEqual([]);
    expect(readCollectionSelection(asFormValues(fillView(v2)))).toEqual([1, 3, 5]);
  });
});

describe('collectionsModal: many collections', () => {
  it('60 collections: one list of 30 per kind, all selected', () => {
    const list = collections(60);
    const { modal, view } = build({ collections: list, selected: new Set(idsOf(list)) });
    expect(inputLabels(view)).toEqual(['Users', 'Agents']);
    expect(offered(view, 'user')).toHaveLength(30);
    expect(offered(view, 'agent')).toHaveLength(30);
    expect(readCollectionSelection(asFormValues(fillView(view)))).toEqual(idsOf(list));
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  it('200 collections, 100 of each kind: still one list per kind, each at the 100-option limit', () => {
    const list = collections(200);
    const { modal, view } = build({ collections: list, selected: new Set(idsOf(list)) });
    expect(inputLabels(view)).toEqual(['Users', 'Agents']);
    expect(elementOfLabel(view, 'Users').options).toHaveLength(COLLECTIONS_PER_SELECT);
    expect(elementOfLabel(view, 'Agents').initial_options).toHaveLength(COLLECTIONS_PER_SELECT);
    expect(readCollectionSelection(asFormValues(fillView(view)))).toEqual(idsOf(list));
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  it('more than 100 of a kind: consecutive lists of at most 100, labelled by range, nothing dropped', () => {
    // 250 user collections and 50 agent collections.
    const users: CollectionChoice[] = Array.from({ length: 250 }, (_, i) => ({ id: 1000 + i, name: `Users ${i}`, kind: 'user' }));
    const agents: CollectionChoice[] = Array.from({ length: 50 }, (_, i) => ({ id: 5000 + i, name: `Agents ${i}`, kind: 'agent' }));
    const selected = new Set([1000, 1099, 1100, 1249, 5000]);
    const { modal, view } = build({ collections: [...users, ...agents], selected, version: 3 });
    expect(inputLabels(view)).toEqual(['Users 1–100 of 250', 'Users 101–200 of 250', 'Users 201–250 of 250', 'Agents']);
    expect(listBlocks(view, 'user').map((b) => b.block_id)).toEqual(['user_collections_3_1', 'user_collections_3_2', 'user_collections_3_3']);
    expect(listBlocks(view, 'user').map((b) => b.element?.options?.length)).toEqual([100, 100, 50]);
    expect(offered(view, 'user')).toEqual(idsOf(users).map(String));
    expect(offered(view, 'agent')).toEqual(idsOf(agents).map(String));
    // One pair of buttons per kind, however many parts.
    expect(view.blocks.filter((b) => b.type === 'actions')).toHaveLength(2);
    expect(initiallySelected(view, 'user')).toEqual(['1000', '1099', '1100', '1249']);
    expect(readCollectionSelection(asFormValues(fillView(view)))).toEqual([...selected].sort((a, b) => a - b));
    // A change in the second part is read with the others.
    const changed = fillView(view, { 'Users 101–200 of 250': ['Users 150'] });
    expect(readCollectionSelection(asFormValues(changed))).toEqual([1000, 1099, 1150, 1249, 5000]);
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  it('200 collections of one kind: two lists of 100', () => {
    const list: CollectionChoice[] = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, name: `C${i + 1}`, kind: 'agent' }));
    const { modal, view } = build({ collections: list, selected: new Set(idsOf(list)) });
    expect(inputLabels(view)).toEqual(['Agents 1–100 of 200', 'Agents 101–200 of 200']);
    expect(readCollectionSelection(asFormValues(fillView(view)))).toEqual(idsOf(list));
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  it('1000 of each kind (the use case\'s most) with long names stays within every limit', () => {
    const list: CollectionChoice[] = Array.from({ length: 2000 }, (_, i) => ({ id: 100_000 + i, name: `${'Ж'.repeat(90)} ${i}`, kind: i < 1000 ? 'user' : 'agent' }));
    const { modal, view } = build({ collections: list, selected: new Set(idsOf(list)), version: 999_999, parent: { mode: 'agent', newExtension: DRAFT } });
    expect(slackLimitViolations(modal)).toEqual([]);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    expect(inputLabels(view)).toHaveLength(20);
    for (const b of listBlocks(view, 'user')) {
      for (const o of b.element?.options ?? []) {
        expect(o.text.text.length).toBeLessThanOrEqual(75);
        expect(o.value?.length ?? 0).toBeLessThanOrEqual(75);
      }
    }
    expect(readCollectionSelection(asFormValues(fillView(view)))).toEqual(idsOf(list));
  });
});

describe('collectionsModal: private_metadata', () => {
  it('keeps the version, and the parent state when given', () => {
    expect(decodeCollectionsMetadata(build({ version: 7 }).modal.private_metadata ?? '')).toEqual({ version: 7 });
    const parent = { mode: 'clone' as const, sourceUsername: 'jdoe' };
    expect(decodeCollectionsMetadata(build({ version: 2, parent }).modal.private_metadata ?? '')).toEqual({ version: 2, parent });
    const agent = { mode: 'agent' as const, newExtension: DRAFT };
    const { modal } = build({ version: 1, parent: agent });
    expect(decodeCollectionsMetadata(modal.private_metadata ?? '')).toEqual({ version: 1, parent: agent });
    expect((modal.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  });

  it.each([
    ['not JSON', 'nope'],
    ['a negative version', '{"v":-1}'],
    ['a huge version', '{"v":100000000}'],
    ['an extra key', '{"v":1,"x":1}'],
    ['a forged parent', '{"v":1,"p":{"m":"z"}}'],
    ['too long', `{"v":1,"pad":"${'x'.repeat(3000)}"}`],
  ])('refuses %s', (_name, text) => {
    expect(() => decodeCollectionsMetadata(text)).toThrow('invalid private_metadata');
  });
});

describe('readCollectionSelection', () => {
  const list = (blockId: string, values: unknown[]) => ({ [blockId]: { [ACTIONS.input]: { type: 'multi_static_select', selected_options: values.map((value) => ({ value })) } } });

  it('reads every list block whatever its version or part, sorted and without repeats', () => {
    const values = { ...list('user_collections_0', ['5', '3']), ...list('agent_collections_12_2', ['3', '40']), ...list('user_collections_1_1', ['1']) };
    expect(readCollectionSelection(values as unknown as FormValues)).toEqual([1, 3, 5, 40]);
  });

  it('ignores other blocks, other action IDs and values that are not collection IDs', () => {
    const values = {
      ...list('username', ['7']),
      ...list('user_collections', ['8']),
      ...list('user_collections_x', ['9']),
      ...list('user_collections_12345678', ['10']),
      ...list('agent_collections_0', ['0', '-1', '1.5', '01', 'abc', '2147483648', '99999999999', 2, null, '2147483647', '6']),
      other_collections_0: { other: { type: 'multi_static_select', selected_options: [{ value: '11' }] } },
      agent_collections_1: { other: { type: 'multi_static_select', selected_options: [{ value: '12' }] } },
    };
    expect(readCollectionSelection(values as unknown as FormValues)).toEqual([6, 2147483647]);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'user_collections_0'],
    ['an array', [1, 2]],
    ['a null block', { user_collections_0: null }],
    ['a null element', { user_collections_0: { [ACTIONS.input]: null } }],
    ['selected_options not a list', { user_collections_0: { [ACTIONS.input]: { type: 'x', selected_options: '1' } } }],
    ['options that are not objects', { user_collections_0: { [ACTIONS.input]: { type: 'x', selected_options: [null, 3, 'x', []] } } }],
  ])('never throws on %s', (_name, values) => {
    expect(readCollectionSelection(values as FormValues)).toEqual([]);
  });
});
