import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { parseUserInfoValues } from '../../../src/slack/forms/user-info-form.js';
import type { ViewStateValues as FormValues } from '../../../src/slack/forms/view-state.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../../src/slack/ids.js';
import type { UserFormChoices, UserFormPrefill, UserFormState } from '../../../src/slack/views/model.js';
import { decodeUserFormState } from '../../../src/slack/views/user-form-state.js';
import { collectionsSummaryText, userInfoModal, type UserInfoModalInput } from '../../../src/slack/views/user-info-modal.js';
import { assertWithinSlackLimits, slackLimitViolations } from '../../support/block-kit-limits.js';
import { blockIdOfLabel, clientSideErrors, elementOfLabel, fillView, inputLabels, optionTexts, type SlackView, type ViewBlock, type ViewStateValues } from '../../support/fill-view.js';
import { collections, DRAFT, LONGEST_DRAFT, userChoices } from './form-fixtures.js';

/** The seed's User Info fields, in the seed's order and words. */
const SEED_LABELS = ['Username', 'First Name', 'Last Name', 'Phone Number', 'Email', 'Description', 'Password', 'Site', 'Department', 'Billing Unit', 'Profile'];
const PRIMARY_PHONE = 'Primary Phone (Extension)';
const AGENT_LABELS = ['User Type', PRIMARY_PHONE, 'Voicemail/Recording Access', 'Notes'];

function build(over: Partial<UserInfoModalInput> & { state?: UserFormState } = {}): { modal: ModalView; view: SlackView } {
  const modal = userInfoModal({ state: { mode: 'user', collectionIds: 'all' }, choices: userChoices(), showClusters: false, ...over });
  // What Slack receives is JSON: read the view the way Slack would.
  return { modal, view: JSON.parse(JSON.stringify(modal)) as SlackView };
}

const asFormValues = (values: ViewStateValues): FormValues => values as unknown as FormValues;

function inputBlock(view: SlackView, label: string): ViewBlock {
  const block = view.blocks.find((b) => b.type === 'input' && b.label?.text === label);
  if (!block) throw new Error(`no input ${label}`);
  return block;
}

function allOptions(view: SlackView, label: string): { text: string; value: string | undefined }[] {
  const e = elementOfLabel(view, label);
  return [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options)].map((o) => ({ text: o.text.text, value: o.value }));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('userInfoModal: the seed fields', () => {
  it.each(['user', 'clone'] as const)('%s form: the seed labels, then the primary phone', (mode) => {
    const { view } = build({ state: { mode, collectionIds: 'all', ...(mode === 'clone' ? { sourceUsername: 'jdoe' } : {}) } });
    expect(inputLabels(view)).toEqual([...SEED_LABELS, PRIMARY_PHONE]);
  });

  it('agent form: the seed labels, then user type, primary phone, access and notes', () => {
    const { view } = build({ state: { mode: 'agent', collectionIds: 'all' } });
    expect(inputLabels(view)).toEqual([...SEED_LABELS, ...AGENT_LABELS]);
  });

  it('marks Username, First Name, Last Name, Phone Number and Profile required, Email, Description and Password optional', () => {
    const { view } = build();
    const required = view.blocks.filter((b) => b.type === 'input' && !b.optional).map((b) => b.label?.text);
    expect(required).toEqual(['Username', 'First Name', 'Last Name', 'Phone Number', 'Profile']);
    for (const label of ['Email', 'Description', 'Password', 'Site', 'Department', 'Billing Unit']) expect(inputBlock(view, label).optional).toBe(true);
  });

  it('uses the stable block IDs the parser and the error mapping know, and the one input action ID', () => {
    const { view } = build({ state: { mode: 'agent', collectionIds: 'all' }, showClusters: true });
    const expected: Record<string, string> = {
      Username: BLOCKS.username,
      'First Name': BLOCKS.firstName,
      'Last Name': BLOCKS.lastName,
      'Phone Number': BLOCKS.phone,
      Email: BLOCKS.email,
      Description: BLOCKS.description,
      Password: BLOCKS.password,
      Site: BLOCKS.site,
      Department: BLOCKS.department,
      'Billing Unit': BLOCKS.billingUnit,
      Profile: BLOCKS.profile,
      Clusters: BLOCKS.cluster,
      'User Type': BLOCKS.userType,
      [PRIMARY_PHONE]: BLOCKS.extension,
      'Voicemail/Recording Access': BLOCKS.access,
      Notes: BLOCKS.notes,
    };
    for (const [label, blockId] of Object.entries(expected)) expect(blockIdOfLabel(view, label)).toBe(blockId);
    for (const b of view.blocks.filter((x) => x.type === 'input')) expect(b.element?.action_id).toBe(ACTIONS.input);
  });

  it('offers the sites, departments, billing units and profiles by name, keyed by reference key', () => {
    const { view } = build();
    expect(allOptions(view, 'Site')).toEqual([
      { text: 'Austin, TX', value: 'austin-tx' },
      { text: 'Manila', value: 'manila' },
    ]);
    expect(optionTexts(view, 'Department')).toEqual(['Sales', 'Support']);
    expect(optionTexts(view, 'Billing Unit')).toEqual(['BU 100']);
    expect(optionTexts(view, 'Profile')).toEqual(['Basic', 'Standard', 'Power user']);
    for (const label of ['Site', 'Department', 'Billing Unit', 'Profile']) expect(elementOfLabel(view, label).type).toBe('static_select');
  });

  it('leaves out a select with nothing to offer (Slack refuses an empty one) and stays valid', () => {
    const { modal, view } = build({ choices: userChoices({ sites: [], departments: [], billingUnits: [] }) });
    expect(inputLabels(view)).toEqual(['Username', 'First Name', 'Last Name', 'Phone Number', 'Email', 'Description', 'Password', 'Profile', PRIMARY_PHONE]);
    assertWithinSlackLimits(modal);
  });

  it('has the form titles, a submit and a cancel', () => {
    expect(build({ state: { mode: 'user', collectionIds: 'all' } }).modal.title.text).toBe('New User');
    expect(build({ state: { mode: 'agent', collectionIds: 'all' } }).modal.title.text).toBe('New Agent');
    const clone = build({ state: { mode: 'clone', sourceUsername: 'jdoe', collectionIds: 'all' } }).modal;
    expect(clone.title.text).toBe('Clone User');
    expect(clone.callback_id).toBe(VIEWS.userInfo);
    expect(clone.submit?.text).toBe('Submit request');
    expect(clone.close?.text).toBe('Cancel');
  });

  it('has no device secret input', () => {
    const { view } = build({ state: { mode: 'agent', collectionIds: 'all', newExtension: DRAFT } });
    expect(inputLabels(view).some((l) => /secret/i.test(l))).toBe(false);
    expect(view.blocks.some((b) => /secret/i.test(b.block_id ?? ''))).toBe(false);
  });

  it('names the tenant suffix in the Username hint when given', () => {
    expect(inputBlock(build({ tenantSuffix: 'abc' }).view, 'Username').hint?.text).toContain('username@abc');
    expect(inputBlock(build().view, 'Username').hint?.text).toContain('username@tenant-suffix');
  });
});

describe('userInfoModal: Profile', () => {
  it('preselects the default profile', () => {
    const { view } = build();
    expect(elementOfLabel(view, 'Profile').initial_option).toMatchObject({ text: { text: 'Standard' }, value: 'standard' });
    expect(fillView(view)[BLOCKS.profile]?.[ACTIONS.input]?.selected_option?.value).toBe('standard');
  });

  it('preselects the prefilled profile instead, and falls back to the default for one no longer offered', () => {
    expect(elementOfLabel(build({ prefill: { profileKey: 'power' } }).view, 'Profile').initial_option?.value).toBe('power');
    expect(elementOfLabel(build({ prefill: { profileKey: 'retired' } }).view, 'Profile').initial_option?.value).toBe('standard');
    expect(elementOfLabel(build({ prefill: { profileKey: null } }).view, 'Profile').initial_option?.value).toBe('standard');
  });

  it('preselects nothing when there is no default, and Slack then asks for one', () => {
    const choices = userChoices({ profiles: [{ key: 'basic', name: 'Basic', isDefault: false }] });
    const { view } = build({ choices });
    expect(elementOfLabel(view, 'Profile').initial_option).toBeUndefined();
    const values = fillView(view, { Username: 'jdoe', 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '5555551234' });
    expect(clientSideErrors(view, values)).toEqual({ [BLOCKS.profile]: '"Profile" is required' });
  });
});

describe('userInfoModal: Clusters', () => {
  it.each([
    [false, 2, false],
    [true, 1, false],
    [true, 0, false],
    [true, 2, true],
    [true, 3, true],
  ])('showClusters=%s with %i clusters: Clusters shown=%s', (showClusters, n, shown) => {
    const clusters = Array.from({ length: n }, (_, i) => ({ key: `cucm-${i}`, name: `CUCM ${i}` }));
    const { modal, view } = build({ showClusters, choices: userChoices({ clusters }) });
    expect(inputLabels(view).includes('Clusters')).toBe(shown);
    expect(view.blocks.some((b) => b.block_id === BLOCKS.cluster)).toBe(shown);
    assertWithinSlackLimits(modal);
  });

  it('sits above the primary phone, optional, offering every cluster', () => {
    const { view } = build({ showClusters: true });
    const labels = inputLabels(view);
    expect(labels.indexOf('Clusters')).toBe(labels.indexOf(PRIMARY_PHONE) - 1);
    expect(labels.indexOf('Clusters')).toBeGreaterThan(labels.indexOf('Profile'));
    expect(inputBlock(view, 'Clusters').optional).toBe(true);
    expect(optionTexts(view, 'Clusters')).toEqual(['CUCM East', 'CUCM West']);
  });
});

describe('userInfoModal: clone', () => {
  const cloneState: UserFormState = { mode: 'clone', sourceUsername: 'jdoe', collectionIds: [1, 3] };
  // What flows/user-form.ts passes for a clone: the source's settings, nothing personal.
  const clonePrefill: UserFormPrefill = { siteKey: 'manila', departmentKey: 'support', billingUnitKey: 'bu-100', profileKey: 'power' };

  it('prefills the source user\'s site, department, billing unit and profile', () => {
    const { view } = build({ state: cloneState, prefill: clonePrefill });
    expect(elementOfLabel(view, 'Site').initial_option).toMatchObject({ text: { text: 'Manila' }, value: 'manila' });
    expect(elementOfLabel(view, 'Department').initial_option?.value).toBe('support');
    expect(elementOfLabel(view, 'Billing Unit').initial_option?.value).toBe('bu-100');
    expect(elementOfLabel(view, 'Profile').initial_option?.value).toBe('power');
  });

  it('never prefills the names, phone, email or password', () => {
    const { view } = build({ state: cloneState, prefill: clonePrefill });
    for (const label of ['Username', 'First Name', 'Last Name', 'Phone Number', 'Email', 'Description', 'Password']) {
      expect(elementOfLabel(view, label).initial_value, label).toBeUndefined();
    }
    const values = fillView(view);
    for (const id of [BLOCKS.username, BLOCKS.firstName, BLOCKS.lastName, BLOCKS.phone, BLOCKS.email, BLOCKS.password]) {
      expect(values[id]?.[ACTIONS.input]?.value, id).toBeNull();
    }
  });

  it('keeps the source\'s collections in private_metadata and summarises them', () => {
    const { modal, view } = build({ state: cloneState, prefill: clonePrefill });
    expect(decodeUserFormState(modal.private_metadata ?? '')).toEqual(cloneState);
    const summary = view.blocks.find((b) => b.block_id === BLOCKS.collectionsSummary);
    expect(summary?.text?.text).toBe('Collections: 2 of 4 selected (1 user, 1 agent)');
    expect(summary?.accessory).toMatchObject({ type: 'button', action_id: ACTIONS.chooseCollections });
  });

  it('says whom the settings come from, escaping the name for mrkdwn', () => {
    const { view } = build({ state: { ...cloneState, sourceUsername: 'a<b>&c' } });
    const context = JSON.stringify(view.blocks[0]);
    expect(view.blocks[0]?.type).toBe('context');
    expect(context).toContain('a&lt;b&gt;&amp;c');
    expect(context).not.toContain('a<b>');
  });

  it('clone submission carries the prefilled settings and the source\'s collections, with what was typed', () => {
    const { view } = build({ state: cloneState, prefill: clonePrefill });
    const values = fillView(view, { Username: 'asmith', 'First Name': 'Ann', 'Last Name': 'Smith', 'Phone Number': '555 555 1234' });
    expect(clientSideErrors(view, values)).toEqual({});
    const parsed = parseUserInfoValues(asFormValues(values), cloneState);
    expect(parsed).toEqual({
      ok: true,
      input: expect.objectContaining({
        username: 'asmith',
        siteKey: 'manila',
        departmentKey: 'support',
        billingUnitKey: 'bu-100',
        profileKey: 'power',
        userType: 'non_agent',
        collectionIds: [1, 3],
        password: undefined,
        email: undefined,
      }) as unknown,
    });
  });
});

describe('userInfoModal: what was typed is kept', () => {
  const prefill: UserFormPrefill = {
    username: 'jdoe',
    firstName: 'Jane',
    lastName: 'Doe',
    phone: '+1 555 555 1234',
    email: 'jane@example.com',
    description: 'Night shift',
    siteKey: 'austin-tx',
    departmentKey: 'sales',
    billingUnitKey: 'bu-100',
    profileKey: 'basic',
  };

  it('shows every prefilled value as the initial value', () => {
    const { view } = build({ prefill });
    expect(elementOfLabel(view, 'Username').initial_value).toBe('jdoe');
    expect(elementOfLabel(view, 'First Name').initial_value).toBe('Jane');
    expect(elementOfLabel(view, 'Last Name').initial_value).toBe('Doe');
    expect(elementOfLabel(view, 'Phone Number').initial_value).toBe('+1 555 555 1234');
    expect(elementOfLabel(view, 'Email').initial_value).toBe('jane@example.com');
    expect(elementOfLabel(view, 'Description').initial_value).toBe('Night shift');
    expect(elementOfLabel(view, 'Site').initial_option?.value).toBe('austin-tx');
  });

  it('submits the prefilled values untouched', () => {
    const { view } = build({ prefill });
    const parsed = parseUserInfoValues(asFormValues(fillView(view)), { mode: 'user', collectionIds: 'all' });
    expect(parsed).toEqual({
      ok: true,
      input: {
        username: 'jdoe',
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '+1 555 555 1234',
        email: 'jane@example.com',
        description: 'Night shift',
        password: undefined,
        siteKey: 'austin-tx',
        departmentKey: 'sales',
        billingUnitKey: 'bu-100',
        profileKey: 'basic',
        clusterKey: undefined,
        userType: 'non_agent',
        extensionNumber: undefined,
        voicemailAccess: false,
        recordingAccess: false,
        collectionIds: 'all',
      },
    });
  });

  it('never prefills the password, whatever the prefill holds', () => {
    const sneaky = { ...prefill, password: 'Hunter2!!' } as UserFormPrefill;
    const { modal, view } = build({ prefill: sneaky });
    expect(elementOfLabel(view, 'Password').initial_value).toBeUndefined();
    expect(JSON.stringify(modal)).not.toContain('Hunter2');
  });

  it('leaves a prefill too long for its field empty rather than cut (Slack refuses it)', () => {
    const { modal, view } = build({ prefill: { username: 'u'.repeat(21), firstName: 'F'.repeat(51), phone: '1'.repeat(31) } });
    expect(elementOfLabel(view, 'Username').initial_value).toBeUndefined();
    expect(elementOfLabel(view, 'First Name').initial_value).toBeUndefined();
    expect(elementOfLabel(view, 'Phone Number').initial_value).toBeUndefined();
    assertWithinSlackLimits(modal);
  });

  it('keeps the same input block and action IDs whatever the steps decide, so views.update keeps what was typed', () => {
    const ids = (v: SlackView) => v.blocks.filter((b) => b.type === 'input').map((b) => `${b.block_id}/${b.element?.action_id}`);
    const before = build({ state: { mode: 'agent', collectionIds: 'all' } }).view;
    const after = build({ state: { mode: 'agent', collectionIds: [2, 4], newExtension: DRAFT } }).view;
    expect(ids(after)).toEqual(ids(before));
    const userBefore = build({ state: { mode: 'user', collectionIds: 'all' } }).view;
    const userAfter = build({ state: { mode: 'user', collectionIds: [] }, prefill }).view;
    expect(ids(userAfter)).toEqual(ids(userBefore));
  });
});

describe('userInfoModal: primary phone', () => {
  it('offers the free extensions as a select, optional', () => {
    const { view } = build();
    expect(allOptions(view, PRIMARY_PHONE)).toEqual(['1001', '1002', '1005'].map((n) => ({ text: n, value: n })));
    expect(inputBlock(view, PRIMARY_PHONE).optional).toBe(true);
  });

  it('offers the lowest 100 of more free extensions and says so', () => {
    const free = Array.from({ length: 250 }, (_, i) => 2000 + i);
    const { modal, view } = build({ choices: userChoices({ freeExtensions: free }) });
    expect(allOptions(view, PRIMARY_PHONE).map((o) => o.value)).toEqual(free.slice(0, 100).map(String));
    expect(inputBlock(view, PRIMARY_PHONE).hint?.text).toContain('The lowest 100 of 250 free extensions');
    assertWithinSlackLimits(modal);
  });

  it('replaces a user’s select with a line when no extension is free', () => {
    const user = build({ choices: userChoices({ freeExtensions: [] }) });
    expect(inputLabels(user.view)).not.toContain(PRIMARY_PHONE);
    expect(JSON.stringify(user.view.blocks)).toContain('No free extension right now');
    assertWithinSlackLimits(user.modal);
  });

  it('keeps an agent’s primary phone an input, so its error shows there: the free extensions and New extension', () => {
    const agentState: UserFormState = { mode: 'agent', collectionIds: 'all' };
    const none = build({ state: agentState, choices: userChoices({ freeExtensions: [] }) });
    expect(inputLabels(none.view)).toContain(PRIMARY_PHONE);
    expect(allOptions(none.view, PRIMARY_PHONE)).toEqual([{ text: 'New extension (set up below)', value: 'new' }]);
    expect(inputBlock(none.view, PRIMARY_PHONE).hint?.text).toContain('No free extension: choose New extension and set it up below');
    expect(inputBlock(none.view, PRIMARY_PHONE).optional).toBe(true);
    assertWithinSlackLimits(none.modal);

    const some = build({ state: agentState });
    expect(allOptions(some.view, PRIMARY_PHONE).map((o) => o.value)).toEqual(['1001', '1002', '1005', 'new']);
    expect(elementOfLabel(some.view, PRIMARY_PHONE).initial_option).toBeUndefined();
    // Set up: New extension is preselected, under the same text (Slack keeps a chosen option by it).
    const drafted = build({ state: { ...agentState, newExtension: DRAFT } });
    expect(elementOfLabel(drafted.view, PRIMARY_PHONE).initial_option).toEqual(expect.objectContaining({ value: 'new', text: expect.objectContaining({ text: 'New extension (set up below)' }) as unknown }));

    // 99 free extensions and New extension: Slack's 100 options.
    const free = Array.from({ length: 250 }, (_, i) => 2000 + i);
    const many = build({ state: agentState, choices: userChoices({ freeExtensions: free }) });
    expect(allOptions(many.view, PRIMARY_PHONE).map((o) => o.value)).toEqual([...free.slice(0, 99).map(String), 'new']);
    expect(inputBlock(many.view, PRIMARY_PHONE).hint?.text).toContain('The lowest 99 of 250 free extensions');
    assertWithinSlackLimits(many.modal);
  });
});

describe('userInfoModal: agent', () => {
  const agentState: UserFormState = { mode: 'agent', collectionIds: 'all' };

  it('offers Agent, Supervisor and Admin, Agent preselected unless prefilled', () => {
    const { view } = build({ state: agentState });
    expect(allOptions(view, 'User Type')).toEqual([
      { text: 'Agent', value: 'agent' },
      { text: 'Supervisor', value: 'supervisor' },
      { text: 'Admin', value: 'admin' },
    ]);
    expect(elementOfLabel(view, 'User Type').initial_option?.value).toBe('agent');
    expect(elementOfLabel(build({ state: agentState, prefill: { userType: 'supervisor' } }).view, 'User Type').initial_option?.value).toBe('supervisor');
    expect(elementOfLabel(build({ state: agentState, prefill: { userType: 'non_agent' } }).view, 'User Type').initial_option?.value).toBe('agent');
  });

  it('offers Voicemail and Recording access', () => {
    expect(allOptions(build({ state: agentState }).view, 'Voicemail/Recording Access')).toEqual([
      { text: 'Voicemail', value: 'voicemail' },
      { text: 'Recording', value: 'recording' },
    ]);
  });

  it('summarises the new extension with a button to set it up', () => {
    const none = build({ state: agentState }).view.blocks.find((b) => b.block_id === BLOCKS.newExtensionSummary);
    expect(none?.text?.text).toBe('No new extension');
    expect(none?.accessory).toMatchObject({ type: 'button', action_id: ACTIONS.setUpNewExtension });
    const set = build({ state: { ...agentState, newExtension: DRAFT } }).view.blocks.find((b) => b.block_id === BLOCKS.newExtensionSummary);
    expect(set?.text?.text).toBe('New extension 1234 (New agent interface (WebRTC)) will be created on approval');
    const nextFree = build({ state: { ...agentState, newExtension: { ...DRAFT, extensionNumber: undefined } } }).view.blocks.find((b) => b.block_id === BLOCKS.newExtensionSummary);
    expect(nextFree?.text?.text).toContain('next free');
  });

  it('has no agent blocks on the user and clone forms', () => {
    for (const mode of ['user', 'clone'] as const) {
      const { view } = build({ state: { mode, collectionIds: 'all' } });
      for (const id of [BLOCKS.userType, BLOCKS.access, BLOCKS.notes, BLOCKS.newExtensionSummary]) expect(view.blocks.some((b) => b.block_id === id)).toBe(false);
    }
  });
});

describe('userInfoModal: Slack limits', () => {
  it.each(['user', 'agent', 'clone'] as const)('the %s form with the fixtures is within every limit', (mode) => {
    const { modal } = build({ state: { mode, collectionIds: 'all', ...(mode === 'clone' ? { sourceUsername: 'jdoe' } : {}) }, showClusters: true });
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  /** Reference data at its largest: long names and keys, far more than 100 of everything. */
  function hugeChoices(): UserFormChoices {
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${String(i).padStart(5, '0')}-${'k'.repeat(28)}`, name: `${prefix} ${i} ${'Ω'.repeat(100)}` }));
    return {
      sites: many(250, 'site'),
      departments: many(101, 'dept'),
      billingUnits: many(150, 'bu'),
      profiles: many(300, 'profile').map((p, i) => ({ ...p, isDefault: i === 299 })),
      clusters: many(120, 'cluster'),
      collections: collections(1000),
      freeExtensions: Array.from({ length: 5000 }, (_, i) => 100_000_000 + i),
    };
  }

  it.each(['user', 'agent', 'clone'] as const)('the %s form with huge reference data stays within every limit and drops no choice', (mode) => {
    const choices = hugeChoices();
    const last = (list: { key: string }[]) => list[list.length - 1]?.key ?? null;
    const ids = Array.from({ length: 500 }, (_, i) => 1 + i * 2);
    const state: UserFormState =
      mode === 'agent' ? { mode, collectionIds: ids, newExtension: LONGEST_DRAFT } : mode === 'clone' ? { mode, sourceUsername: 'u'.repeat(20), collectionIds: ids } : { mode, collectionIds: 'all' };
    const { modal, view } = build({
      state,
      choices,
      showClusters: true,
      prefill: { siteKey: last(choices.sites), departmentKey: last(choices.departments), billingUnitKey: last(choices.billingUnits), username: 'u'.repeat(20), description: 'd'.repeat(500) },
      tenantSuffix: 'xyz',
    });
    expect(slackLimitViolations(modal)).toEqual([]);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    expect((modal.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    for (const [label, list] of [
      ['Site', choices.sites],
      ['Department', choices.departments],
      ['Billing Unit', choices.billingUnits],
      ['Profile', choices.profiles],
      ['Clusters', choices.clusters],
    ] as const) {
      const element = elementOfLabel(view, label);
      expect(element.options, label).toBeUndefined();
      for (const g of element.option_groups ?? []) expect(g.options.length).toBeLessThanOrEqual(100);
      const offered = allOptions(view, label);
      expect(offered.map((o) => o.value), label).toEqual(list.map((c) => c.key));
      for (const o of offered) {
        expect(o.text.length).toBeLessThanOrEqual(75);
        expect(o.value?.length ?? 0).toBeLessThanOrEqual(75);
      }
    }
    expect(elementOfLabel(view, 'Site').initial_option?.value).toBe(last(choices.sites));
    expect(elementOfLabel(view, 'Profile').initial_option?.value).toBe(last(choices.profiles));
    expect(decodeUserFormState(modal.private_metadata ?? '')).toEqual(state);
  });

  it('cuts long option text to 75 UTF-16 units with an ellipsis, never splitting an emoji', () => {
    const name = '😀'.repeat(60);
    const { view } = build({ choices: userChoices({ sites: [{ key: 'emoji', name }, { key: 'short', name: 'x'.repeat(75) }] }) });
    const [emoji, exact] = allOptions(view, 'Site');
    expect(emoji?.text.length).toBeLessThanOrEqual(75);
    expect(emoji?.text.endsWith('…')).toBe(true);
    expect(LONE_SURROGATE.test(emoji?.text ?? '')).toBe(false);
    expect(exact?.text).toBe('x'.repeat(75));
  });

  it('keeps a preselected option among those offered even past 10 000 choices', () => {
    const sites = Array.from({ length: 10_050 }, (_, i) => ({ key: `s${i}`, name: `Site ${i}` }));
    const { modal } = build({ choices: userChoices({ sites }), prefill: { siteKey: 's10049' } });
    expect(slackLimitViolations(modal)).toEqual([]);
  });

  it('summarises the collection choice', () => {
    const list = collections(4);
    expect(collectionsSummaryText(list, 'all')).toBe('Collections: all 4 selected');
    expect(collectionsSummaryText(list, [])).toBe('Collections: none of 4 selected');
    expect(collectionsSummaryText(list, [1, 2, 3, 4, 99])).toBe('Collections: all 4 selected');
    expect(collectionsSummaryText(list, [1, 99])).toBe('Collections: 1 of 4 selected (1 user, 0 agents)');
    expect(collectionsSummaryText([], 'all')).toBe('Collections: none available');
  });
});

describe('userInfoModal: an edited user’s retired values', () => {
  const editState: UserFormState = { mode: 'edit', sourceUsername: 'jdoe', editVersion: 1, collectionIds: [] };
  const retiredChoices = (over: Partial<UserFormChoices> = {}) =>
    userChoices({
      sites: [{ key: 'old-site', name: 'Old site', retired: true }, ...userChoices().sites],
      profiles: [{ key: 'old-profile', name: 'Old profile', isDefault: false, retired: true }, ...userChoices().profiles],
      ...over,
    });

  it('shows the current retired value "(retired)" and preselected, with a hint; the others stay as they are', () => {
    const { modal, view } = build({ state: editState, choices: retiredChoices(), prefill: { siteKey: 'old-site', profileKey: 'old-profile', departmentKey: 'sales' } });
    assertWithinSlackLimits(modal);
    const values = fillView(view);
    expect(values[BLOCKS.site]?.[ACTIONS.input]?.selected_option).toMatchObject({ value: 'old-site', text: { text: 'Old site (retired)' } });
    // Not the tenant default: the profile the user has stays chosen.
    expect(values[BLOCKS.profile]?.[ACTIONS.input]?.selected_option).toMatchObject({ value: 'old-profile', text: { text: 'Old profile (retired)' } });
    expect(optionTexts(view, 'Site')).toEqual(['Old site (retired)', 'Austin, TX', 'Manila']);
    expect(inputBlock(view, 'Site').hint?.text).toBe('Old site is retired: it stays while left as it is, but cannot be chosen again once changed.');
    expect(inputBlock(view, 'Department').hint).toBeUndefined();
    expect(values[BLOCKS.department]?.[ACTIONS.input]?.selected_option?.value).toBe('sales');
  });

  it('stays within Slack’s limits with a long retired name and a full list beside it', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ key: `site-${i}`, name: `Site ${i}` }));
    const { modal, view } = build({ state: editState, choices: retiredChoices({ sites: [{ key: 'old-site', name: 'O'.repeat(200), retired: true }, ...many] }), prefill: { siteKey: 'old-site' } });
    assertWithinSlackLimits(modal);
    const selected = fillView(view)[BLOCKS.site]?.[ACTIONS.input]?.selected_option;
    expect(selected?.value).toBe('old-site');
    expect(selected?.text.text.endsWith(' (retired)')).toBe(true);
    expect(selected?.text.text.length).toBeLessThanOrEqual(75);
    expect(allOptions(view, 'Site')).toHaveLength(101);
  });
});
