import { describe, expect, it } from 'vitest';
import { issue, type FieldIssue } from '../../../src/domain/errors.js';
import { userInfoFields } from '../../../src/services/user-fields.js';
import {
  fieldErrorsToBlocks,
  parseUserInfoValues,
  placeUserFormErrors,
  USER_FORM_OFF_VIEW_KEYS,
  type UserInfoFormInput,
} from '../../../src/slack/forms/user-info-form.js';
import type { FormResult, ViewStateValues as FormValues } from '../../../src/slack/forms/view-state.js';
import { ACTIONS, BLOCKS } from '../../../src/slack/ids.js';
import type { UserFormChoices, UserFormState } from '../../../src/slack/views/model.js';
import { userInfoModal } from '../../../src/slack/views/user-info-modal.js';
import { blockIdOfLabel, clientSideErrors, fillView, type Answer, type SlackView } from '../../support/fill-view.js';
import { DRAFT, userChoices } from './form-fixtures.js';
import { seededRandom } from '../../support/seeded-random.js';

const USER: UserFormState = { mode: 'user', collectionIds: 'all' };
const AGENT: UserFormState = { mode: 'agent', collectionIds: 'all' };
const OFF_VIEW = new Set<string>(Object.values(USER_FORM_OFF_VIEW_KEYS));

function view(state: UserFormState, choices: UserFormChoices = userChoices(), showClusters = true): SlackView {
  return JSON.parse(JSON.stringify(userInfoModal({ state, choices, showClusters }))) as SlackView;
}

/** The view's block IDs: where Slack can show an error. */
function blockIds(v: SlackView): Set<string> {
  return new Set(v.blocks.map((b) => b.block_id).filter((id): id is string => id !== undefined));
}

/** The view's input blocks: the only blocks Slack can show an error under. */
function inputIds(v: SlackView): Set<string> {
  return new Set(v.blocks.filter((b) => b.type === 'input').map((b) => b.block_id ?? ''));
}

/** What Slack would send after a person filled the form by its labels. */
function submit(v: SlackView, answers: Record<string, Answer>): FormValues {
  const values = fillView(v, answers);
  expect(clientSideErrors(v, values)).toEqual({});
  return values as unknown as FormValues;
}

const parse = (values: unknown, state: UserFormState): FormResult<UserInfoFormInput> => parseUserInfoValues(values as FormValues, state);

function errorsOf(result: FormResult<UserInfoFormInput>): Record<string, string> {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.input)}`);
  return result.errors;
}

const JANE: Record<string, Answer> = { Username: 'jdoe', 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '555-555-1234' };

describe('parseUserInfoValues: a form filled as Slack sends it', () => {
  it('a new user: every field to the use-case input', () => {
    const v = view(USER);
    const values = submit(v, {
      ...JANE,
      Email: 'jane@example.com',
      Description: 'Night shift lead',
      Password: ' Secret pass 1 ',
      Site: 'Manila',
      Department: 'Support',
      'Billing Unit': 'BU 100',
      Profile: 'Power user',
      Clusters: 'CUCM West',
      'Primary Phone (Extension)': '1005',
    });
    expect(parse(values, USER)).toEqual({
      ok: true,
      input: {
        username: 'jdoe',
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '555-555-1234',
        email: 'jane@example.com',
        description: 'Night shift lead',
        password: ' Secret pass 1 ',
        siteKey: 'manila',
        departmentKey: 'support',
        billingUnitKey: 'bu-100',
        profileKey: 'power',
        clusterKey: 'cucm-west',
        userType: 'non_agent',
        extensionNumber: '1005',
        voicemailAccess: false,
        recordingAccess: false,
        collectionIds: 'all',
      },
    });
  });

  it('only the required fields: the optional ones are undefined, the default profile is sent', () => {
    const result = parse(submit(view(USER, userChoices(), false), JANE), USER);
    expect(result).toEqual({
      ok: true,
      input: expect.objectContaining({ email: undefined, description: undefined, password: undefined, siteKey: undefined, clusterKey: undefined, extensionNumber: undefined, profileKey: 'standard' }) as unknown,
    });
  });

  it('blank optional text is no value; a password is taken as typed', () => {
    const result = parse(submit(view(USER), { ...JANE, Description: '   ', Password: '    ' }), USER);
    expect(result.ok && result.input.description).toBeUndefined();
    expect(result.ok && result.input.password).toBe('    ');
  });

  it('a clone carries the collection choice from the state; "all" is every collection', () => {
    const clone: UserFormState = { mode: 'clone', sourceUsername: 'jdoe', collectionIds: [4, 1] };
    const result = parse(submit(view(clone), { ...JANE, Username: 'asmith' }), clone);
    expect(result.ok && result.input.collectionIds).toEqual([4, 1]);
    expect(result.ok && result.input.userType).toBe('non_agent');
    const none = parse(submit(view(clone), JANE), { ...clone, collectionIds: [] });
    expect(none.ok && none.input.collectionIds).toEqual([]);
    const all = parse(submit(view(USER), JANE), USER);
    expect(all.ok && all.input.collectionIds).toBe('all');
  });

  it('an agent: user type, access, notes and the chosen extension', () => {
    const v = view(AGENT);
    const values = submit(v, { ...JANE, 'User Type': 'Supervisor', 'Voicemail/Recording Access': ['Recording'], Notes: 'Team B', 'Primary Phone (Extension)': '1002' });
    const result = parse(values, AGENT);
    expect(result).toEqual({
      ok: true,
      input: expect.objectContaining({ userType: 'supervisor', recordingAccess: true, voicemailAccess: false, notes: 'Team B', extensionNumber: '1002' }) as unknown,
    });
    const both = parse(submit(v, { ...JANE, 'Voicemail/Recording Access': true, 'Primary Phone (Extension)': '1002' }), AGENT);
    expect(both.ok && [both.input.voicemailAccess, both.input.recordingAccess, both.input.userType]).toEqual([true, true, 'agent']);
  });

  it('an agent with a new extension set up and no free extension chosen is fine', () => {
    const state: UserFormState = { ...AGENT, newExtension: DRAFT };
    const result = parse(submit(view(state), JANE), state);
    expect(result.ok && result.input.extensionNumber).toBeUndefined();
  });

  it('an agent needs exactly one extension: the error is on the primary phone', () => {
    const v = view(AGENT);
    expect(errorsOf(parse(submit(v, JANE), AGENT))).toEqual({ [BLOCKS.extension]: 'An agent needs an extension: choose a free one, or New extension and set it up below' });
    const withDraft: UserFormState = { ...AGENT, newExtension: DRAFT };
    expect(errorsOf(parse(submit(view(withDraft), { ...JANE, 'Primary Phone (Extension)': '1001' }), withDraft))).toEqual({
      [BLOCKS.extension]: 'Choose a free extension or the new one you set up, not both',
    });
    // "New extension" chosen before it was set up.
    expect(errorsOf(parse(submit(v, { ...JANE, 'Primary Phone (Extension)': 'New extension (set up below)' }), AGENT))).toEqual({
      [BLOCKS.extension]: expect.stringContaining('Set up the new extension first') as unknown,
    });
  });

  it('an agent who chose "New extension" and set it up gets it, with no extension number of its own', () => {
    const state: UserFormState = { ...AGENT, newExtension: DRAFT };
    const result = parse(submit(view(state), { ...JANE, 'Primary Phone (Extension)': 'New extension (set up below)' }), state);
    expect(result.ok && result.input.extensionNumber).toBeUndefined();
    // A user form does not take "New extension" as an extension number.
    expect(errorsOf(parse({ ...submit(view(USER), JANE), [BLOCKS.extension]: { value: { type: 'static_select', selected_option: { value: 'new' } } } }, USER))).toEqual({
      [BLOCKS.extension]: 'Choose Primary Phone (Extension) from the list',
    });
  });

  it('an agent with no free extension to choose and none set up: the error is on the primary phone, which offers only a new one', () => {
    const v = view(AGENT, userChoices({ freeExtensions: [] }));
    expect(inputIds(v).has(BLOCKS.extension)).toBe(true);
    const errors = errorsOf(parse(submit(v, JANE), AGENT));
    expect(errors).toEqual({ [BLOCKS.extension]: expect.stringContaining('An agent needs an extension') as unknown });
    expect(placeUserFormErrors(errors, [...inputIds(v)])).toEqual({ onFields: errors, elsewhere: [] });
  });

  it('reports a broken block beside the rules’ problems of the rest: the parse keeps what it could read', () => {
    // Past the input's max_length: only a forged or older view sends it, but it is read all the same.
    const result = parse(fillView(view(AGENT), { ...JANE, Username: 'u'.repeat(21) }), AGENT);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([BLOCKS.extension, BLOCKS.username].sort());
    expect(result.partial).toMatchObject({ username: '', firstName: 'Jane', phone: JANE['Phone Number'] });
  });

  it('ignores agent blocks sent with a user or clone form', () => {
    const agentValues = submit(view(AGENT), { ...JANE, 'User Type': 'Admin', 'Voicemail/Recording Access': true, Notes: 'x', 'Primary Phone (Extension)': '1001' });
    const result = parse(agentValues, USER);
    expect(result.ok && [result.input.userType, result.input.voicemailAccess, result.input.notes]).toEqual(['non_agent', false, undefined]);
  });
});

describe('parseUserInfoValues: bad input is answered on the field, never thrown', () => {
  it('missing required blocks: each is required on its own block', () => {
    expect(errorsOf(parse({}, USER))).toEqual({
      [BLOCKS.username]: 'Username is required',
      [BLOCKS.firstName]: 'First Name is required',
      [BLOCKS.lastName]: 'Last Name is required',
      [BLOCKS.phone]: 'Phone Number is required',
    });
    expect(errorsOf(parse({}, AGENT))[BLOCKS.userType]).toBe('User Type is required');
  });

  it('one missing block among good ones', () => {
    const values = fillView(view(USER), JANE) as Record<string, unknown>;
    delete values[BLOCKS.lastName];
    expect(errorsOf(parse(values, USER))).toEqual({ [BLOCKS.lastName]: 'Last Name is required' });
  });

  it('an empty required field (which Slack itself refuses) goes on to the use case as empty text', () => {
    const values = fillView(view(USER), { ...JANE, Username: null });
    const result = parse(values, USER);
    // The use case answers "Username is required" on the username block.
    expect(result.ok && result.input.username).toBe('');
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'username'],
    ['a number', 42],
    ['an array', [{ username: {} }]],
  ])('values that are %s: one error on the first field', (_name, values) => {
    const errors = errorsOf(parse(values, USER));
    expect(Object.keys(errors)).toEqual([BLOCKS.username]);
    expect(errors[BLOCKS.username]).toMatch(/could not be read/);
  });

  it.each<[string, unknown, string]>([
    ['a block that is null', null, 'Username could not be read — please fill it in again'],
    ['a block that is a string', 'jdoe', 'Username could not be read — please fill it in again'],
    ['a block without the input action', { other: { type: 'plain_text_input', value: 'jdoe' } }, 'Username could not be read — please fill it in again'],
    ['another element type', { [ACTIONS.input]: { type: 'static_select', selected_option: { value: 'jdoe' } } }, 'Username could not be read — please fill it in again'],
    ['a number for the text', { [ACTIONS.input]: { type: 'plain_text_input', value: 12345 } }, 'Username could not be read — please fill it in again'],
    ['an object for the text', { [ACTIONS.input]: { type: 'plain_text_input', value: { toString: 'x' } } }, 'Username could not be read — please fill it in again'],
    ['a 1 MB text', { [ACTIONS.input]: { type: 'plain_text_input', value: 'j'.repeat(1_000_000) } }, 'Username can be at most 20 characters'],
    ['21 characters', { [ACTIONS.input]: { type: 'plain_text_input', value: 'j'.repeat(21) } }, 'Username can be at most 20 characters'],
  ])('Username as %s', (_name, block, message) => {
    const values = { ...fillView(view(USER), JANE), [BLOCKS.username]: block };
    expect(errorsOf(parse(values, USER))).toEqual({ [BLOCKS.username]: message });
  });

  it('counts length in code points after trimming, as the domain does', () => {
    const base = fillView(view(USER), JANE);
    const text = (value: string) => ({ [ACTIONS.input]: { type: 'plain_text_input', value } });
    expect(parse({ ...base, [BLOCKS.firstName]: text('😀'.repeat(50)) }, USER).ok).toBe(true);
    expect(errorsOf(parse({ ...base, [BLOCKS.firstName]: text('😀'.repeat(51)) }, USER))).toEqual({ [BLOCKS.firstName]: 'First Name can be at most 50 characters' });
    expect(parse({ ...base, [BLOCKS.firstName]: text(`  ${'a'.repeat(50)}  `) }, USER).ok).toBe(true);
    expect(errorsOf(parse({ ...base, [BLOCKS.description]: text('d'.repeat(501)) }, USER))).toEqual({ [BLOCKS.description]: 'Description can be at most 500 characters' });
    expect(errorsOf(parse({ ...base, [BLOCKS.password]: text('p'.repeat(129)) }, USER))).toEqual({ [BLOCKS.password]: 'Password can be at most 128 characters' });
  });

  it('an email block must be the email input', () => {
    const values = { ...fillView(view(USER), JANE), [BLOCKS.email]: { [ACTIONS.input]: { type: 'plain_text_input', value: 'a@b.c' } } };
    expect(errorsOf(parse(values, USER))).toEqual({ [BLOCKS.email]: 'Email could not be read — please fill it in again' });
  });

  it.each<[string, string, unknown, string]>([
    ['a site option value over 75 characters', BLOCKS.site, { type: 'static_select', selected_option: { value: 's'.repeat(76) } }, 'Site could not be read — please fill it in again'],
    ['a site option without a value', BLOCKS.site, { type: 'static_select', selected_option: { text: 'Manila' } }, 'Site could not be read — please fill it in again'],
    ['a profile from radio buttons', BLOCKS.profile, { type: 'radio_buttons', selected_option: { value: 'basic' } }, 'Profile could not be read — please fill it in again'],
    ['a primary phone that is not an extension', BLOCKS.extension, { type: 'static_select', selected_option: { value: '0123' } }, 'Choose Primary Phone (Extension) from the list'],
    ['a primary phone of ten digits', BLOCKS.extension, { type: 'static_select', selected_option: { value: '1234567890' } }, 'Choose Primary Phone (Extension) from the list'],
    ['a user type that is not an agent type', BLOCKS.userType, { type: 'static_select', selected_option: { value: 'non_agent' } }, 'Choose User Type from the list'],
    ['access with an unknown box', BLOCKS.access, { type: 'checkboxes', selected_options: [{ value: 'admin' }] }, 'Voicemail/Recording Access could not be read — please fill it in again'],
    ['access with three boxes', BLOCKS.access, { type: 'checkboxes', selected_options: [{ value: 'voicemail' }, { value: 'recording' }, { value: 'voicemail' }] }, 'Voicemail/Recording Access could not be read — please fill it in again'],
    ['access that is not a list', BLOCKS.access, { type: 'checkboxes', selected_options: 'voicemail' }, 'Voicemail/Recording Access could not be read — please fill it in again'],
    ['notes of 2001 characters', BLOCKS.notes, { type: 'plain_text_input', value: 'n'.repeat(2001) }, 'Notes can be at most 2000 characters'],
  ])('agent form with %s: an error on that block', (_name, blockId, element, message) => {
    const values = { ...fillView(view(AGENT), { ...JANE, 'Primary Phone (Extension)': '1001' }), [blockId]: { [ACTIONS.input]: element } };
    expect(errorsOf(parse(values, AGENT))).toEqual({ [blockId]: message });
  });

  it('a select left empty is no value', () => {
    const values = { ...fillView(view(USER), JANE), [BLOCKS.site]: { [ACTIONS.input]: { type: 'static_select', selected_option: null } } };
    expect(parse(values, USER).ok).toBe(true);
  });

  it('foreign blocks are ignored: they never become errors or input', () => {
    const values = {
      ...fillView(view(USER), JANE),
      admin: { [ACTIONS.input]: { type: 'plain_text_input', value: 'yes' } },
      user_collections_0: { [ACTIONS.input]: { type: 'multi_static_select', selected_options: [{ value: '1' }] } },
      toString: null,
      constructor: 'x',
      ...(JSON.parse('{"__proto__": {"username": {"value": {"type": "plain_text_input", "value": "root"}}}}') as object),
    };
    const result = parse(values, USER);
    expect(result.ok && result.input.username).toBe('jdoe');
    expect(result).toEqual(parse(fillView(view(USER), JANE), USER));
    // Only foreign blocks: the real fields are missing, the foreign ones never named.
    const onlyForeign = errorsOf(parse({ admin: values.admin, evil_block: { [ACTIONS.input]: null } }, USER));
    expect(Object.keys(onlyForeign).sort()).toEqual([BLOCKS.firstName, BLOCKS.lastName, BLOCKS.phone, BLOCKS.username].sort());
  });

  it('reports every broken field at once, one message per block', () => {
    const values = {
      ...fillView(view(USER), JANE),
      [BLOCKS.username]: { [ACTIONS.input]: { type: 'plain_text_input', value: 'u'.repeat(30) } },
      [BLOCKS.phone]: { [ACTIONS.input]: { type: 'plain_text_input', value: 7 } },
      [BLOCKS.site]: { [ACTIONS.input]: { type: 'checkboxes', selected_options: [] } },
    };
    expect(errorsOf(parse(values, USER))).toEqual({
      [BLOCKS.username]: 'Username can be at most 20 characters',
      [BLOCKS.phone]: 'Phone Number could not be read — please fill it in again',
      [BLOCKS.site]: 'Site could not be read — please fill it in again',
    });
  });

  const random = seededRandom;

  const JUNK: unknown[] = [
    undefined,
    null,
    '',
    'x',
    0,
    true,
    [],
    {},
    { [ACTIONS.input]: null },
    { [ACTIONS.input]: {} },
    { [ACTIONS.input]: { type: 'plain_text_input', value: 'x'.repeat(100_000) } },
    { [ACTIONS.input]: { type: 'plain_text_input', value: null } },
    { [ACTIONS.input]: { type: 'email_text_input', value: 'a@b' } },
    { [ACTIONS.input]: { type: 'static_select', selected_option: { value: 'v'.repeat(80) } } },
    { [ACTIONS.input]: { type: 'static_select', selected_option: { value: 1001 } } },
    { [ACTIONS.input]: { type: 'static_select', selected_option: 'agent' } },
    { [ACTIONS.input]: { type: 'checkboxes', selected_options: [{ value: 'voicemail' }] } },
    { [ACTIONS.input]: { type: 'checkboxes', selected_options: [null] } },
    { [ACTIONS.input]: { type: 'multi_static_select', selected_options: [{ value: '1' }] } },
    { [ACTIONS.input]: { type: 'radio_buttons', selected_option: null } },
  ];

  it.each([
    ['an agent form with every block', AGENT, view(AGENT)],
    ['a user form without clusters or free extensions', USER, view(USER, userChoices({ freeExtensions: [] }), false)],
    ['an agent form without free extensions', { ...AGENT, newExtension: DRAFT }, view({ ...AGENT, newExtension: DRAFT }, userChoices({ freeExtensions: [] }))],
  ] as const)('fuzz, %s: never throws, and every error is on a block of the view (or off-view)', (_name, state, v) => {
    const next = random(42);
    const present = [...blockIds(v)].filter((id) => v.blocks.some((b) => b.type === 'input' && b.block_id === id));
    const targets = [...present, 'evil', 'user_collections_0', 'toString'];
    const allowed = new Set([...blockIds(v), ...OFF_VIEW]);
    const base = fillView(v, { ...JANE, ...(state.newExtension ? {} : state.mode === 'agent' ? { 'Primary Phone (Extension)': '1001' } : {}) });
    for (let round = 0; round < 400; round++) {
      const values: Record<string, unknown> = { ...base };
      const changes = 1 + Math.floor(next() * 4);
      for (let c = 0; c < changes; c++) {
        const target = targets[Math.floor(next() * targets.length)] as string;
        const junk = JUNK[Math.floor(next() * JUNK.length)];
        if (junk === undefined) delete values[target];
        else values[target] = junk;
      }
      let result: FormResult<UserInfoFormInput> | undefined;
      expect(() => (result = parse(values, state))).not.toThrow();
      if (!result || result.ok) continue;
      for (const [key, message] of Object.entries(result.errors)) {
        expect(allowed.has(key), `round ${round}: ${key} in ${JSON.stringify(Object.keys(values))}`).toBe(true);
        expect(message.length).toBeGreaterThan(0);
        expect(message.length).toBeLessThan(200);
      }
    }
  });
});

describe('fieldErrorsToBlocks: use-case issues back on the form', () => {
  const agentView = view(AGENT);
  const inView = blockIds(agentView);

  it('puts every field of the use case on its own block of the agent view, or off the view', () => {
    for (const field of Object.keys(userInfoFields)) {
      const errors = fieldErrorsToBlocks([issue(field, 'invalid_format', `bad ${field}`)]);
      const [key] = Object.keys(errors);
      expect(key === undefined ? false : inView.has(key) || OFF_VIEW.has(key), field).toBe(true);
      // Only a username issue belongs on the Username block: anything else there means an unmapped field.
      if (field !== 'username') expect(key, field).not.toBe(BLOCKS.username);
    }
  });

  it('maps the seed fields onto the blocks found by label', () => {
    const byLabel: [string, string][] = [
      ['username', 'Username'],
      ['firstName', 'First Name'],
      ['lastName', 'Last Name'],
      ['phone', 'Phone Number'],
      ['email', 'Email'],
      ['description', 'Description'],
      ['password', 'Password'],
      ['siteKey', 'Site'],
      ['departmentKey', 'Department'],
      ['billingUnitKey', 'Billing Unit'],
      ['profileKey', 'Profile'],
      ['clusterKey', 'Clusters'],
      ['userType', 'User Type'],
      ['extensionNumber', 'Primary Phone (Extension)'],
      ['voicemailAccess', 'Voicemail/Recording Access'],
      ['notes', 'Notes'],
    ];
    for (const [field, label] of byLabel) {
      expect(Object.keys(fieldErrorsToBlocks([issue(field, 'invalid_format', 'x')])), field).toEqual([blockIdOfLabel(agentView, label)]);
    }
  });

  it('the user form\'s own fields land on blocks of the user view', () => {
    const userView = view(USER);
    const ids = blockIds(userView);
    for (const field of ['username', 'firstName', 'lastName', 'phone', 'email', 'description', 'password', 'siteKey', 'departmentKey', 'billingUnitKey', 'profileKey', 'clusterKey', 'extensionNumber']) {
      const [key] = Object.keys(fieldErrorsToBlocks([issue(field, 'invalid_format', 'x')]));
      expect(key !== undefined && ids.has(key), field).toBe(true);
    }
  });

  it('joins several issues on one block, in order, without repeats', () => {
    const issues: FieldIssue[] = [
      issue('username', 'username_taken', 'Username jdoe is already taken — try jdoe2', 'jdoe2'),
      issue('phone', 'phone_too_short', 'Phone Number is too short'),
      issue('username', 'invalid_format', 'Second problem'),
      issue('username', 'username_taken', 'Username jdoe is already taken — try jdoe2'),
      issue('voicemailAccess', 'not_allowed', 'No voicemail'),
      issue('recordingAccess', 'not_allowed', 'No recording'),
    ];
    expect(fieldErrorsToBlocks(issues)).toEqual({
      [BLOCKS.username]: 'Username jdoe is already taken — try jdoe2; Second problem',
      [BLOCKS.phone]: 'Phone Number is too short',
      [BLOCKS.access]: 'No voicemail; No recording',
    });
  });

  it('never drops an issue nor puts it under another field: unknown fields go apart, nested paths follow their first segment', () => {
    expect(fieldErrorsToBlocks([issue('input', 'invalid_format', 'Bad request')])).toEqual({ [USER_FORM_OFF_VIEW_KEYS.form]: 'Bad request' });
    expect(fieldErrorsToBlocks([issue('sourceUsername', 'not_found', 'No such user')])).toEqual({ [USER_FORM_OFF_VIEW_KEYS.cloneSource]: 'No such user' });
    expect(fieldErrorsToBlocks([issue('newExtension.deviceName', 'required', 'Device Name is required')])).toEqual({ [USER_FORM_OFF_VIEW_KEYS.newExtension]: 'Device Name is required' });
    expect(fieldErrorsToBlocks([issue('newExtension.extensionNumber', 'extension_taken', 'Taken')])).toEqual({ [USER_FORM_OFF_VIEW_KEYS.newExtension]: 'Taken' });
    expect(fieldErrorsToBlocks([issue('collectionIds.3', 'invalid_format', 'Bad ID')])).toEqual({ [USER_FORM_OFF_VIEW_KEYS.collections]: 'Bad ID' });
    for (const field of ['__proto__', 'constructor', 'toString', 'hasOwnProperty.x']) {
      expect(fieldErrorsToBlocks([issue(field, 'invalid_format', 'odd')]), field).toEqual({ [USER_FORM_OFF_VIEW_KEYS.form]: 'odd' });
    }
    expect(fieldErrorsToBlocks([])).toEqual({});
  });

  it('places each error under its own field only: the new extension under the primary phone, the rest apart', () => {
    const errors = fieldErrorsToBlocks([
      issue('email', 'email_in_use', 'Email is in use'),
      issue('collectionIds', 'unknown_reference', 'Unknown collection: 9'),
      issue('newExtension.deviceName', 'required', 'Device Name is required'),
      issue('clusterKey', 'not_allowed', 'Only portal administrators can choose a cluster'),
    ]);
    const agentInputs = [...inputIds(view(AGENT, userChoices(), false))];
    expect(agentInputs).not.toContain(BLOCKS.cluster);
    expect(placeUserFormErrors(errors, agentInputs)).toEqual({
      onFields: { [BLOCKS.email]: 'Email is in use', [BLOCKS.extension]: 'New extension: Device Name is required' },
      elsewhere: [
        { label: 'Collections', message: 'Unknown collection: 9' },
        { label: 'Clusters', message: 'Only portal administrators can choose a cluster' },
      ],
    });
    // A user form has no primary phone block without free extensions: the new extension is apart too.
    const userInputs = [...inputIds(view(USER, userChoices({ freeExtensions: [] })))];
    expect(placeUserFormErrors({ [USER_FORM_OFF_VIEW_KEYS.newExtension]: 'x' }, userInputs)).toEqual({ onFields: {}, elsewhere: [{ label: 'New extension', message: 'x' }] });
  });
});
