import type { ActionsBlock, AnyBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { RequestState } from '../../../src/domain/request-state.js';
import { ACTIONS, COMMAND } from '../../../src/slack/ids.js';
import { appHomeView } from '../../../src/slack/views/app-home.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';
import type { RequestListItem } from '../../../src/slack/views/model.js';

const CREATED = new Date('2024-05-01T14:00:00Z');
const UNIX = CREATED.getTime() / 1000;

function request(over: Partial<RequestListItem> = {}): RequestListItem {
  return {
    id: 'req-1',
    kind: 'create_user',
    state: 'pending',
    requesterId: 'U0REQUESTER',
    createdAt: CREATED,
    reason: null,
    title: 'New agent jdoe (Jane Doe)',
    fields: [{ label: 'Username', value: 'jdoe' }],
    ...over,
  };
}

function many(n: number, over: Partial<RequestListItem> = {}): RequestListItem[] {
  return Array.from({ length: n }, (_, i) => request({ id: `req-${i}`, title: `New user u${i} (U ${i})`, ...over }));
}

function texts(blocks: AnyBlock[]): string[] {
  return blocks.flatMap((b) => {
    if (b.type === 'section') return [(b as SectionBlock).text?.text ?? ''];
    if (b.type === 'header' || b.type === 'context') return [JSON.stringify(b)];
    return [];
  });
}

function sectionWith(blocks: AnyBlock[], needle: string): string {
  const found = texts(blocks).find((t) => t.includes(needle));
  if (found === undefined) throw new Error(`nothing shows ${needle}`);
  return found;
}

describe('appHomeView', () => {
  it('is a home view with a help line about the command', () => {
    const view = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: null });
    expect(view.type).toBe('home');
    expect(texts(view.blocks).join('\n')).toContain(`\`${COMMAND}\``);
    expect(texts(view.blocks).join('\n')).toContain('You have no requests yet');
  });

  it('hides the approval section from someone who is not an approver', () => {
    const view = appHomeView({ userId: 'U1', myRequests: [request()], pendingForApproval: null });
    const all = JSON.stringify(view.blocks);
    expect(all).not.toContain('approval (');
    expect(all).not.toContain('Waiting for your approval');
    expect(all).not.toContain('Nothing waits for your approval');
  });

  it('tells an approver when nothing waits', () => {
    const view = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [] });
    expect(texts(view.blocks)).toContain('Nothing waits for your approval.');
  });

  it('lists what waits for the approver with who asked and when', () => {
    const view = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [request({ requesterId: 'U0REQ42' })] });
    const shown = sectionWith(view.blocks, 'New agent jdoe');
    expect(shown).toContain('*New agent jdoe (Jane Doe)*');
    expect(shown).toContain(':hourglass_flowing_sand: Pending');
    expect(shown).toContain('requested by <@U0REQ42>');
    expect(shown).toContain(`<!date^${UNIX}^{date_short_pretty} {time}|2024-05-01 14:00 UTC>`);
    expect(JSON.stringify(view.blocks)).toContain('Waiting for your approval (1)');
  });

  it('does not name the requester in their own list', () => {
    const view = appHomeView({ userId: 'U0REQUESTER', myRequests: [request()], pendingForApproval: null });
    expect(sectionWith(view.blocks, 'New agent jdoe')).not.toContain('<@');
  });

  it('never turns something that is not a Slack user ID into a mention', () => {
    const view = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [request({ requesterId: '!channel' })] });
    const shown = sectionWith(view.blocks, 'New agent jdoe');
    expect(shown).not.toContain('<@!channel>');
    expect(shown).toContain('requested by !channel');
  });

  it.each<[RequestState, string, string | null]>([
    ['pending', ':hourglass_flowing_sand: Pending', null],
    ['approved', ':thumbsup: Approved', null],
    ['completed', ':white_check_mark: Completed', null],
    ['rejected', ':x: Rejected', 'Reason: Duplicate of jdoe2'],
    ['failed', ':warning: Failed', 'Reason: Duplicate of jdoe2'],
    ['expired', ':hourglass: Expired', null],
  ])('shows the %s state as %j', (state, label, reasonLine) => {
    const view = appHomeView({ userId: 'U1', myRequests: [request({ state, reason: 'Duplicate of jdoe2' })], pendingForApproval: null });
    const shown = sectionWith(view.blocks, 'New agent jdoe');
    expect(shown).toContain(label);
    if (reasonLine) expect(shown).toContain(reasonLine);
    else expect(shown).not.toContain('Reason:');
  });

  it('escapes titles and reasons', () => {
    const view = appHomeView({
      userId: 'U1',
      myRequests: [request({ state: 'rejected', title: 'New user x (<!channel> *bold*)', reason: 'see <https://x|y>' })],
      pendingForApproval: [request({ title: 'New user y (<!here>)' })],
    });
    const json = JSON.stringify(view.blocks);
    for (const raw of ['<!channel>', '<!here>', '<https://x|y>', '*bold*']) expect(json).not.toContain(raw);
    expect(json).toContain('&lt;!channel&gt; ∗bold∗');
    expect(json).toContain('Reason: see &lt;https://x|y&gt;');
    expect(json).toContain('&lt;!here&gt;');
  });

  it('stays within 100 blocks for 500 requests in each list, and says how many are not shown', () => {
    const view = appHomeView({ userId: 'U1', myRequests: many(500, { state: 'completed' }), pendingForApproval: many(500) });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const all = JSON.stringify(view.blocks);
    expect(all).toContain('Waiting for your approval (500)');
    expect(all.match(/and \d+ more/g)).toHaveLength(2);
    const listed = view.blocks.filter((b) => b.type === 'section' && ((b as SectionBlock).text?.text ?? '').includes('New user u')).length;
    // Both lists show the same number, so each says the same "and N more".
    expect(listed % 2).toBe(0);
    expect(all.match(new RegExp(`and ${500 - listed / 2} more`, 'g'))).toHaveLength(2);
    for (const b of view.blocks) if (b.type === 'section') expect((b as SectionBlock).text!.text.length).toBeLessThanOrEqual(3000);
  });

  it('counts the hidden requests exactly', () => {
    const view = appHomeView({ userId: 'U1', myRequests: many(45), pendingForApproval: null });
    const listed = view.blocks.filter((b) => b.type === 'section' && ((b as SectionBlock).text?.text ?? '').includes('New user u')).length;
    expect(listed).toBeGreaterThan(0);
    expect(JSON.stringify(view.blocks)).toContain(`and ${45 - listed} more`);
  });

  it('tells an approver, and only an approver, that the reference data must be loaded first and how', () => {
    const approver = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [], referenceDataLoaded: false });
    assertWithinSlackLimits(approver);
    const notice = sectionWith(approver.blocks, 'no reference data');
    expect(notice).toContain('npm run reference:load -- &lt;file&gt;');
    expect(notice).toContain('REFERENCE_DATA_FILE');
    expect(JSON.stringify(appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: null, referenceDataLoaded: false }).blocks)).not.toContain('no reference data');
    expect(JSON.stringify(appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [], referenceDataLoaded: true }).blocks)).not.toContain('no reference data');
    // Full lists and the notice still fit in a Home tab.
    const full = appHomeView({ userId: 'U1', myRequests: many(500, { state: 'completed' }), pendingForApproval: many(500), referenceDataLoaded: false });
    assertWithinSlackLimits(full);
    expect(full.blocks.length).toBeLessThanOrEqual(100);
  });

  it('offers everyone a Find a user button', () => {
    for (const pendingForApproval of [null, []]) {
      const buttons = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval }).blocks.flatMap((b) => (b.type === 'actions' ? (b as ActionsBlock).elements : []));
      expect(buttons.map((e) => ('action_id' in e ? e.action_id : undefined))).toEqual([ACTIONS.findUser]);
    }
  });

  it('shows approvers the last decisions: what, outcome, who decided and when; not to others', () => {
    const decided = new Date('2024-05-02T10:00:00Z');
    const decisions = [
      request({ id: 'd1', state: 'completed', approverId: 'U0APPROVER', decidedAt: decided, title: 'New agent ana (Ana A)' }),
      request({ id: 'd2', state: 'rejected', approverId: 'U0APPROVER', decidedAt: decided, reason: 'duplicate <!here>', title: 'New user bob (Bob B)' }),
      request({ id: 'd3', state: 'expired', approverId: null, decidedAt: decided, title: 'New user cy (Cy C)' }),
    ];
    const view = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [], recentDecisions: decisions });
    assertWithinSlackLimits(view);
    expect(JSON.stringify(view.blocks)).toContain('Last decisions');
    const completed = sectionWith(view.blocks, 'ana');
    expect(completed).toContain('Completed');
    expect(completed).toContain('by <@U0APPROVER>');
    expect(completed).toContain(`<!date^${decided.getTime() / 1000}^`);
    expect(sectionWith(view.blocks, 'bob')).toContain('Reason: duplicate &lt;!here&gt;');
    expect(sectionWith(view.blocks, 'Cy C')).not.toContain('by <@U0APPROVER>');
    const none = appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: [], recentDecisions: [] });
    expect(sectionWith(none.blocks, 'decided')).toContain('No request has been decided yet');
    expect(JSON.stringify(appHomeView({ userId: 'U1', myRequests: [], pendingForApproval: null, recentDecisions: decisions }).blocks)).not.toContain('Last decisions');
  });

  it('stays within 100 blocks with full lists, the notice and the last decisions', () => {
    const full = appHomeView({
      userId: 'U1',
      myRequests: many(500, { state: 'completed' }),
      pendingForApproval: many(500),
      recentDecisions: many(50, { state: 'rejected', approverId: 'U0APPROVER', decidedAt: CREATED }),
      referenceDataLoaded: false,
    });
    assertWithinSlackLimits(full);
    expect(full.blocks.length).toBeLessThanOrEqual(100);
  });
});
