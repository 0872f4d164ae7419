import { describe, expect, it } from 'vitest';
import type { EditRequestPayload } from '../../../src/services/edit-payload.js';
import { parseUserEditValues } from '../../../src/slack/forms/user-edit-form.js';
import type { ViewStateValues as FormValues } from '../../../src/slack/forms/view-state.js';
import { BLOCKS, VIEWS } from '../../../src/slack/ids.js';
import { approvalMessage } from '../../../src/slack/views/approval-message.js';
import { EDIT_CHANGES_SHOWN } from '../../../src/slack/views/edit-summary.js';
import { describeRequest, type ReferenceNames } from '../../../src/slack/views/request-summary.js';
import { decodeUserFormState } from '../../../src/slack/views/user-form-state.js';
import { userInfoModal } from '../../../src/slack/views/user-info-modal.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';
import { editableJane } from '../../support/editable-user.js';
import { fillView, inputLabels, type SlackView } from '../../support/fill-view.js';
import { userChoices } from './form-fixtures.js';

const look: EditRequestPayload['before'] = editableJane({ email: null, siteKey: 'austin-tx', departmentKey: null, collectionIds: [] });
const names: ReferenceNames = {
  sites: new Map([
    ['austin-tx', 'Austin, TX'],
    ['manila', 'Manila'],
  ]),
  departments: new Map(),
  billingUnits: new Map(),
  profiles: new Map(),
  clusters: new Map(),
  callerIds: new Map(),
  e911Locations: new Map(),
  collectionCount: 0,
  collections: new Map(Array.from({ length: 600 }, (_, i) => [i + 1, `Collection with a long name <!channel> ${i + 1}`])),
};
const payload = (after: Partial<EditRequestPayload['after']>): EditRequestPayload => ({ userId: 7, username: 'jdoe', version: 3, agentId: 1001, before: look, after: { ...look, ...after } });

function message(p: EditRequestPayload) {
  const summary = describeRequest('edit_user', p, names);
  const built = approvalMessage({ requestId: '00000000-0000-4000-8000-000000000001', ...summary, requesterId: 'U0REQUESTER', createdAt: new Date(), state: 'pending', approverId: null, decidedAt: null, reason: null, result: null, remindedAt: null, deliveries: [] });
  assertWithinSlackLimits({ type: 'home', blocks: built.blocks });
  return { summary, text: JSON.stringify(built.blocks) };
}

describe('an edit in the approval message', () => {
  it('is a diff: who, then one field per change', () => {
    const { summary } = message(payload({ siteKey: 'manila', userType: 'supervisor' }));
    expect(summary.title).toBe('Change to jdoe (Jane Doe)');
    expect(summary.fields).toEqual([
      { label: 'User', value: 'jdoe, agent, agent ID 1001' },
      { label: 'Site', value: 'Austin, TX → Manila' },
      { label: 'User Type', value: 'agent → supervisor' },
    ]);
  });

  it('clips a diff of any length with "and N more", within Block Kit limits, escaping names', () => {
    const { summary, text } = message(
      payload({ firstName: 'J'.repeat(50), lastName: 'D'.repeat(50), phone: '+4420', email: 'a@b.c', description: 'x'.repeat(500), siteKey: 'manila', departmentKey: 'd', billingUnitKey: 'b', profileKey: 'p', clusterKey: 'c', userType: 'admin', extensionNumber: 2000, voicemailAccess: true, recordingAccess: true, notes: 'n'.repeat(2000), collectionIds: Array.from({ length: 600 }, (_, i) => i + 1) }),
    );
    expect(summary.fields).toHaveLength(1 + EDIT_CHANGES_SHOWN + 1);
    expect(summary.fields.at(-1)).toEqual({ label: 'More changes', value: 'and 4 more' });
    expect(text).not.toContain('<!channel>');
  });
});

describe('the Edit User modal', () => {
  const state = { mode: 'edit' as const, sourceUsername: 'jdoe', editVersion: 4, collectionIds: [1, 3] };

  it('keeps the username out of reach, offers the held extension preselected, and reads back', () => {
    const modal = userInfoModal({ state, choices: userChoices({ freeExtensions: Array.from({ length: 150 }, (_, i) => 2000 + i) }), prefill: { firstName: 'Jane', lastName: 'Doe', phone: '+15555551234', userType: 'agent', extensionNumber: 1000, voicemailAccess: true, notes: 'Night shift' }, showClusters: true });
    assertWithinSlackLimits(modal);
    expect(modal.callback_id).toBe(VIEWS.userEdit);
    expect(decodeUserFormState(modal.private_metadata!)).toEqual(state);
    const view = JSON.parse(JSON.stringify(modal)) as SlackView;
    expect(inputLabels(view)).not.toContain('Username');
    expect(inputLabels(view)).not.toContain('Password');
    const values = fillView(view);
    expect(values[BLOCKS.extension]?.value?.selected_option?.text.text).toBe('1000 (current)');
    expect(values[BLOCKS.access]?.value?.selected_options?.map((o) => o.value)).toEqual(['voicemail']);
    expect(values[BLOCKS.notes]?.value?.value).toBe('Night shift');

    const parsed = parseUserEditValues(values as unknown as FormValues, state, true);
    expect(parsed).toMatchObject({ ok: true, input: { username: 'jdoe', userType: 'agent', extensionNumber: '1000', voicemailAccess: true, notes: 'Night shift', clusterKey: null, collectionIds: [1, 3] } });
    // A portal admin sees the user's cluster chosen, so leaving it alone keeps it.
    const withCluster = JSON.parse(JSON.stringify(userInfoModal({ state, choices: userChoices(), prefill: { userType: 'agent', extensionNumber: 1000, clusterKey: 'cucm-west' }, showClusters: true }))) as SlackView;
    expect(parseUserEditValues(fillView(withCluster, { 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '+15555551234' }) as unknown as FormValues, state, true)).toMatchObject({ ok: true, input: { clusterKey: 'cucm-west' } });
    // Not on the form: the user keeps their cluster.
    expect(parseUserEditValues(values as unknown as FormValues, state, false)).toMatchObject({ ok: true, input: { clusterKey: undefined } });
    // A non-agent cannot take a new extension; an agent needs one.
    const nonAgent = fillView(view, { 'User Type': 'Non-agent', 'Primary Phone (Extension)': 'New extension (set up below)' });
    expect(parseUserEditValues(nonAgent as unknown as FormValues, state, true)).toMatchObject({ ok: false, errors: { [BLOCKS.extension]: expect.stringMatching(/Only agents/) as unknown } });
    const noExtension = fillView(view, { 'Primary Phone (Extension)': null });
    expect(parseUserEditValues(noExtension as unknown as FormValues, state, true)).toMatchObject({ ok: false, errors: { [BLOCKS.extension]: expect.stringMatching(/An agent needs an extension/) as unknown } });
  });
});
