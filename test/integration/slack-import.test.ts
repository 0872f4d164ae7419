import type { View } from '@slack/types';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { SHORTCUTS, VIEWS } from '../../src/slack/ids.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { fillView, inputLabels, type SlackView } from '../support/fill-view.js';
import { newHireCsv, newHireRow } from '../support/import-files.js';
import { REQUESTER, sendMessageShortcut, sendViewSubmission } from '../support/slack-interactions.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';
import { approvalMessageOf, commandModal } from '../support/user-change.js';

describe(`importing new hires through Slack (${testDriver})`, () => {
  let t: TestBot;
  const importRequests = async () => (await t.db.select().from(requests)).filter((r) => r.kind === 'import_batch');
  beforeAll(async () => {
    t = await startTestBot();
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), requester, janeDoe({ username: 'template1', email: 'template1@example.com', siteKey: 'tampa-fl' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function submitFile(name: string, content: string | Buffer) {
    const view = await commandModal(t, 'import');
    expect(view.callback_id).toBe(VIEWS.importFile);
    expect(inputLabels(view)).toEqual(['New-hire list (CSV)']);
    const file = t.slack.addFile({ name, content, filetype: 'csv' });
    return sendViewSubmission(t.baseUrl, { view, values: fillView(view, { 'New-hire list (CSV)': file.id }) });
  }

  it('a valid 50-row file (agents with new extensions, clone_from, collections) becomes one request, summarised for the approvers', { timeout: 60_000 }, async () => {
    const csv = newHireCsv(50, (i) => newHireRow(i, i % 10 === 0 ? { clone_from: 'template1', site: '', department: '', collections: '' } : {}));
    const ack = await submitFile('march-class.csv', csv);
    expect(ack.body).toEqual({ response_action: 'clear' });
    const [batch, ...others] = await importRequests();
    expect(others).toEqual([]);
    expect(batch).toMatchObject({ state: 'pending', requesterId: REQUESTER });
    expect((batch!.payload as { rows: unknown[] }).rows).toHaveLength(50);
    const message = await approvalMessageOf(t, batch!.id);
    assertWithinSlackLimits({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: message.blocks ?? [] } as unknown as View);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Import of 50 new hires from march-class.csv');
    expect(text).toContain('50: 50 agents with 50 new extensions; 5 cloned');
    expect(text).toContain('Austin, TX 45 · as the clone source 5');
    expect(text).toContain('Billing Support 25 · Customer Care 20 · as the clone source 5');
    expect(text).toContain('hire1 (Hire Number1), agent, Austin, TX, new extension');
    expect(text).toContain('approve_request');
  });

  it('a file with problems is refused as a whole: the modal lists them, the DM gets them all, and "Submit the N valid rows" stores only those', { timeout: 60_000 }, async () => {
    const before = (await importRequests()).length;
    const csv = newHireCsv(4, (i) => newHireRow(100 + i, i === 2 ? { phone: 'call me' } : i === 3 ? { email: 'hire101@example.com' } : {}));
    const ack = await submitFile('april.csv', csv);
    const body = ack.body as { response_action: string; view: SlackView };
    expect(body.response_action).toBe('update');
    assertWithinSlackLimits(body.view as unknown as View);
    const shown = JSON.stringify(body.view.blocks);
    expect(shown).toContain('2 of 4 rows have problems');
    expect(shown).toContain('row 3, phone: Phone Number can contain only digits');
    expect(shown).toContain('row 4, email: Email hire101@example.com is also in row 2');
    expect(body.view.submit?.text).toBe('Submit 2 valid rows');
    expect((await importRequests()).length).toBe(before);
    const problems = await t.slack.waitForUpload((f) => f.name === 'april-problems.csv');
    expect(problems.channel).toBe(`D${REQUESTER}`);
    expect(problems.content.toString()).toContain('3,phone,"Phone Number can contain only digits, spaces');

    const confirm = await sendViewSubmission(t.baseUrl, { view: { ...body.view, id: 'V0CONFIRM' }, values: {} });
    expect(confirm.body).toEqual({ response_action: 'clear' });
    const stored = (await importRequests()).slice(before);
    expect(stored).toHaveLength(1);
    expect((stored[0]!.payload as { rows: { row: number }[]; skippedRows: number }).rows.map((r) => r.row)).toEqual([2, 5]);
    expect((stored[0]!.payload as { skippedRows: number }).skippedRows).toBe(2);
  });

  it('a file that cannot be used gets one sentence on the file field, and nothing is stored', { timeout: 30_000 }, async () => {
    const before = (await importRequests()).length;
    const ack = await submitFile('notes.csv', 'hello,world\nfoo,bar\n');
    const body = ack.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors.import_file).toMatch(/^The first row must be the header/);
    expect((await importRequests()).length).toBe(before);
  });

  it('the message shortcut checks the CSV attached to an HR post and submits it after the requester confirms', { timeout: 60_000 }, async () => {
    const before = (await importRequests()).length;
    const file = t.slack.addFile({ name: 'may.csv', content: readFileSync('examples/new-hires.csv'), filetype: 'csv' });
    const since = t.slack.calls.length;
    await sendMessageShortcut(t.baseUrl, { callbackId: SHORTCUTS.importNewHires, messageText: 'The May class', messageFiles: [{ id: file.id, name: 'may.csv', filetype: 'csv' }] });
    const checked = await t.slack.waitForView({ method: 'views.update', since }, 10_000);
    assertWithinSlackLimits(checked as unknown as View);
    expect(JSON.stringify(checked.blocks)).toContain('all 6 rows passed the checks');
    expect(checked.submit?.text).toBe('Submit 6 rows');
    expect((await importRequests()).length).toBe(before);
    const ack = await sendViewSubmission(t.baseUrl, { view: checked, values: {} });
    expect(ack.body).toEqual({ response_action: 'clear' });
    expect((await importRequests()).length).toBe(before + 1);
  });

  it('/provision import template gives the header and an example row', async () => {
    const { sendSlashCommand } = await import('../support/slack-request.js');
    const answer = await sendSlashCommand(t.baseUrl, { text: 'import template', trigger_id: 'T1' });
    const answered: unknown = await answer.json();
    const text = JSON.stringify(answered);
    expect(text).toContain('username,first_name,last_name,phone,email');
  });
});
