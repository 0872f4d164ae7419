import { describe, expect, it } from 'vitest';
import type { ExtensionAssignmentPayload } from '../../../src/services/extension-assignment-payload.js';
import type { AssignmentView } from '../../../src/services/extension-assignment.js';
import { BLOCKS, VIEWS } from '../../../src/slack/ids.js';
import { assignmentRef, parseAssignmentRef, reassignExtensionModal, unassignExtensionModal } from '../../../src/slack/views/extension-assignment-modal.js';
import { approvalMessage } from '../../../src/slack/views/approval-message.js';
import { describeRequest, requestConfirmationMessage, type ReferenceNames } from '../../../src/slack/views/request-summary.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

const jane = { userId: 3, username: 'jdoe', firstName: 'Jane', lastName: 'Doe', version: 4 };
const sam = { userId: 7, username: 'sroe', firstName: 'Sam', lastName: 'Roe', version: 2 };
const view = (over: Partial<AssignmentView> = {}): AssignmentView => ({ extension: { id: 12, number: 1001, deviceName: 'Jane softphone', deviceType: 'softphone' }, holder: jane, recipient: sam, ...over });
const names: ReferenceNames = { sites: new Map(), departments: new Map(), billingUnits: new Map(), profiles: new Map(), clusters: new Map(), callerIds: new Map(), e911Locations: new Map(), collectionCount: 0 };

describe('the reassignment and unassignment confirmations', () => {
  it('show the extension, its holder and the recipient, with one optional reason, within Slack limits', () => {
    const modal = reassignExtensionModal(view());
    assertWithinSlackLimits(modal);
    expect(modal.callback_id).toBe(VIEWS.reassignExtension);
    const text = JSON.stringify(modal.blocks);
    expect(text).toContain('*Extension 1001* · Jane softphone (Softphone)');
    expect(text).toContain('*Now held by:* Jane Doe (jdoe)');
    expect(text).toContain('*Goes to:* Sam Roe (sroe)');
    expect(text).toContain('the phone set up for jdoe stops registering');
    expect(modal.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual([BLOCKS.assignmentReason]);

    const free = JSON.stringify(reassignExtensionModal(view({ holder: null })).blocks);
    expect(free).toContain('*Now held by:* nobody (free)');

    const unassign = unassignExtensionModal(view({ recipient: undefined }));
    assertWithinSlackLimits(unassign);
    expect(unassign.callback_id).toBe(VIEWS.unassignExtension);
    expect(JSON.stringify(unassign.blocks)).toContain('the extension is free');
  });

  it('escapes and clips what people typed: a name cannot ping a channel, a long one stays within limits', () => {
    const loud = { ...sam, firstName: '<!channel>', lastName: 'x'.repeat(3000) };
    const modal = reassignExtensionModal(view({ recipient: loud, extension: { id: 12, number: 1001, deviceName: '<@U0BOSS> '.repeat(400), deviceType: 'webrtc' } }));
    assertWithinSlackLimits(modal);
    const text = JSON.stringify(modal.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0BOSS>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('carry the rows they were opened against, and refuse metadata they did not make', () => {
    expect(parseAssignmentRef(assignmentRef(view()))).toEqual({ extensionId: 12, holderId: 3, recipientId: 7 });
    expect(parseAssignmentRef(assignmentRef(view({ holder: null, recipient: undefined })))).toEqual({ extensionId: 12, holderId: null });
    for (const forged of ['', 'not json', '{"e":-1,"h":null}', '{"e":"12","h":3}', '{"h":3}', `{"e":1,"h":null,"pad":"${'x'.repeat(300)}"}`, '[1,2]', 'null']) {
      expect(parseAssignmentRef(forged)).toBeUndefined();
    }
  });
});

describe('how an extension change reads in the approval message and the DM', () => {
  const reassign: ExtensionAssignmentPayload = { assignment: 'reassign', extensionId: 12, extensionNumber: 1001, deviceName: 'Jane softphone', deviceType: 'softphone', reason: 'Team move', holder: jane, recipient: sam };
  const unassign: ExtensionAssignmentPayload = { assignment: 'unassign', extensionId: 12, extensionNumber: 1001, deviceName: 'Jane softphone', deviceType: 'softphone', reason: null, holder: jane };

  it('titles the change "Extension 1001: Jane Doe (jdoe) → Sam Roe (sroe)", with the reason and what happens; no secret field', () => {
    const summary = describeRequest('reassign_extension', reassign, names);
    expect(summary.title).toBe('Extension 1001: Jane Doe (jdoe) → Sam Roe (sroe)');
    expect(summary.fields.map((f) => f.label)).toEqual(['Extension', 'Device', 'Now held by', 'Goes to', 'Reason', 'What happens']);
    expect(summary.fields.find((f) => f.label === 'What happens')?.value).toContain('device secret is replaced');
    expect(describeRequest('reassign_extension', { ...reassign, holder: null }, names).title).toBe('Extension 1001: nobody (free) → Sam Roe (sroe)');
    expect(describeRequest('unassign_extension', unassign, names).title).toBe('Extension 1001: Jane Doe (jdoe) → nobody (unassigned)');

    const message = approvalMessage({ requestId: 'r1', ...summary, requesterId: 'U0REQUESTER', createdAt: new Date(), state: 'pending', approverId: null, decidedAt: null, reason: null, result: null, remindedAt: null, deliveries: [] });
    assertWithinSlackLimits({ type: 'home', blocks: message.blocks });
    expect(JSON.stringify(message.blocks)).toContain('Extension 1001: Jane Doe (jdoe) → Sam Roe (sroe)');
    const dm = requestConfirmationMessage({ requestId: 'r1', ...summary });
    assertWithinSlackLimits({ type: 'home', blocks: dm.blocks });
  });
});
