import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditEvents, billingUnits, departments, extensions, profiles, users } from '../../src/db/schema/index.js';
import { signIn } from '../../src/services/sign-in.js';
import { EXPORT_COLUMNS } from '../../src/services/export-directory.js';
import { EXPORT_NOT_ALLOWED_TEXT, EXPORT_PREPARING_TEXT } from '../../src/slack/flows/export.js';
import { depsFor, requester, softphone } from '../support/fixtures.js';
import { APPROVER, OUTSIDER, REQUESTER } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import type { SlackFile } from '../support/slack-double.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, extensionThroughApproval, setupRequester, userThroughApproval } from '../support/through-approval.js';

const HYPERLINK = '=HYPERLINK("http://x","y")';

describe(`/provision export: the directory as a CSV in the requester's DM (${testDriver})`, () => {
  let t: TestBot;
  let calls = 0;

  /** Sends `/provision <text>` and returns its ack and the ephemeral answer that follows it through response_url. */
  async function command(text: string, user = REQUESTER) {
    calls += 1;
    const name = `export-${calls}`;
    const since = t.slack.responses.length;
    const ack = await sendSlashCommand(t.baseUrl, { text, user_id: user, response_url: t.slack.responseUrl(name) });
    expect(ack.status).toBe(200);
    const acked = (await ack.json().catch(() => ({}))) as { text?: string; response_type?: string };
    return { acked, answer: async () => JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith(`/${name}`), 20_000, since)).body) };
  }

  /** Exports and returns the file the bot uploaded for this export (the one uploaded after the command). */
  async function exported(text: string, user = REQUESTER): Promise<{ file: SlackFile; rows: string[][]; answer: string }> {
    const before = new Set(t.slack.uploadedFiles().map((f) => f.id));
    const sent = await command(text, user);
    expect(sent.acked).toMatchObject({ response_type: 'ephemeral', text: EXPORT_PREPARING_TEXT });
    const file = await t.slack.waitForUpload((f) => !before.has(f.id), 20_000);
    const rows = z.array(z.array(z.string())).parse(parse(file.content.toString('utf8')));
    return { file, rows, answer: await sent.answer() };
  }

  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: REQUESTER });
    const deps = depsFor(t.db, { now: () => new Date() });
    const people = [
      { username: 'aalvarez', firstName: 'Ana', lastName: 'Alvarez', siteKey: 'austin-tx', agent: true },
      { username: 'bbrown', firstName: 'Bob', lastName: 'Brown', siteKey: 'austin-tx', agent: false },
      { username: 'cchen', firstName: 'Chen', lastName: 'Chen', siteKey: 'tampa-fl', agent: true },
      { username: 'dhyper', firstName: HYPERLINK, lastName: '+Plus', siteKey: 'austin-tx', agent: true, description: HYPERLINK },
      { username: 'eold', firstName: 'Eve', lastName: 'Old', siteKey: 'austin-tx', agent: true },
      { username: 'jdoe', firstName: 'Jane', lastName: 'Doe', siteKey: 'austin-tx', agent: true },
    ];
    for (const p of people) {
      const extension = p.agent ? await extensionThroughApproval(deps, requester, softphone({ deviceName: `${p.username} softphone` })) : undefined;
      await userThroughApproval(deps, requester, {
        username: p.username,
        firstName: p.firstName,
        lastName: p.lastName,
        phone: '555-555-1234',
        email: `${p.username}@example.com`,
        siteKey: p.siteKey,
        departmentKey: 'sales',
        userType: p.agent ? 'agent' : 'non_agent',
        ...(p.description ? { description: p.description } : {}),
        ...(extension ? { extensionNumber: extension.number } : {}),
      });
    }
    // Jane signs in once with the default password (Jd + phone digits + !!), so her last sign-in is set.
    expect(await signIn(deps, { signInName: 'jdoe@abc', password: 'Jd5555551234!!' })).toEqual({ ok: true, passwordChangeRequired: true });
    // eold's extension is freed at deactivation, like every offboarding does it.
    await deactivationThroughApproval(deps, setupRequester, 'eold');
  });
  afterAll(async () => t?.close());

  it('site:austin type:agent: exactly the matching active users in username order, with the header, in the DM', { timeout: 60_000 }, async () => {
    const { file, rows, answer } = await exported('export site:austin type:agent');
    expect(file.channel).toBe(`D${REQUESTER}`);
    expect(file.name).toMatch(/^directory-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['aalvarez', 'dhyper', 'jdoe']);
    expect(answer).toContain('Sent to your DM: 3 users');

    const column = (row: string[], name: (typeof EXPORT_COLUMNS)[number]) => row[EXPORT_COLUMNS.indexOf(name)];
    const stored = await t.db.select().from(users);
    const storedExtensions = await t.db.select().from(extensions);
    const jane = rows.find((r) => r[0] === 'jdoe')!;
    const janeRow = stored.find((u) => u.username === 'jdoe')!;
    const janeExtension = storedExtensions.find((e) => e.assignedUserId === janeRow.id)!;
    const nameOf = (rows: { key: string; name: string }[], key: string | null) => rows.find((r) => r.key === key)?.name;
    const janeSignIn = (await t.db.select().from(auditEvents)).find((a) => a.action === 'user.sign_in' && a.entityId === String(janeRow.id))!;
    expect(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, column(jane, c)]))).toEqual({
      username: 'jdoe',
      sign_in_name: 'jdoe@abc',
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jdoe@example.com',
      // An E.164 number starts with +: neutralised like every other cell a spreadsheet would read as a formula.
      phone: `'${janeRow.phone}`,
      user_type: 'agent',
      agent_id: String(janeRow.agentId),
      extension: String(janeExtension.number),
      device_type: 'softphone',
      site: 'Austin, TX',
      department: nameOf(await t.db.select().from(departments), 'sales'),
      billing_unit: nameOf(await t.db.select().from(billingUnits), janeRow.billingUnitKey) ?? '',
      profile: nameOf(await t.db.select().from(profiles), janeRow.profileKey),
      status: 'active',
      created_at: janeRow.createdAt.toISOString(),
      last_sign_in: janeSignIn.at.toISOString(),
    });
    expect(column(jane, 'department')).toBe('Sales');
    expect(column(rows.find((r) => r[0] === 'aalvarez')!, 'last_sign_in')).toBe('');

    // A name typed as a formula comes back as text.
    const hyper = rows.find((r) => r[0] === 'dhyper')!;
    expect(column(hyper, 'first_name')).toBe(`'${HYPERLINK}`);
    expect(column(hyper, 'last_name')).toBe("'+Plus");

    // Everyone made through approval has a password hash, every agent an extension with a device secret: none is in the file.
    const content = file.content.toString('utf8');
    const secrets = [...stored.map((u) => u.passwordHash), ...storedExtensions.map((e) => e.deviceSecret)].filter((s): s is string => typeof s === 'string' && s.length > 0);
    expect(secrets.length).toBeGreaterThanOrEqual(stored.length);
    for (const secret of secrets) expect(content).not.toContain(secret);
    expect(content).not.toMatch(/scrypt|password|secret/i);

    const [audit, ...more] = (await t.db.select().from(auditEvents)).filter((a) => a.action === 'directory.exported' && a.actor === REQUESTER);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ entityType: 'directory', entityId: 'users', details: { filters: { site: 'austin', siteKeys: ['austin-tx'], status: 'active', type: 'agent' }, rowCount: 3 } });
  });

  it('deactivated users only with status:all (or status:deactivated)', { timeout: 60_000 }, async () => {
    expect((await exported('export site:austin type:agent status:all')).rows.slice(1).map((r) => r[0])).toEqual(['aalvarez', 'dhyper', 'eold', 'jdoe']);
    const deactivated = (await exported('export status:deactivated')).rows.slice(1);
    expect(deactivated.map((r) => [r[0], r[EXPORT_COLUMNS.indexOf('status')], r[EXPORT_COLUMNS.indexOf('extension')]])).toEqual([['eold', 'deactivated', '']]);
  });

  it('export alone is every active user; text narrows it as find does', { timeout: 60_000 }, async () => {
    expect((await exported('export')).rows.slice(1).map((r) => r[0])).toEqual(['aalvarez', 'bbrown', 'cchen', 'dhyper', 'jdoe']);
    expect((await exported('export chen')).rows.slice(1).map((r) => r[0])).toEqual(['cchen']);
    // The text also matches site names, as find's does.
    expect((await exported('export tampa')).rows.slice(1).map((r) => r[0])).toEqual(['cchen']);
  });

  it('an approver who is no requester may export', { timeout: 60_000 }, async () => {
    const { file, rows } = await exported('export type:non-agent', APPROVER);
    expect(file.channel).toBe(`D${APPROVER}`);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['bbrown']);
  });

  it('a filter that names nothing is answered as find answers it, and nothing is uploaded or audited', { timeout: 60_000 }, async () => {
    const uploads = t.slack.uploadedFiles().length;
    const audits = (await t.db.select().from(auditEvents)).filter((a) => a.action === 'directory.exported').length;
    const sent = await command('export site:atlantis');
    expect(sent.acked.text).toBe(EXPORT_PREPARING_TEXT);
    const answer = await sent.answer();
    expect(answer).toContain('No site matches \\"atlantis\\"');
    // The answer comes after the work: had anything been uploaded or audited, it would be there now.
    expect(t.slack.uploadedFiles().length).toBe(uploads);
    expect((await t.db.select().from(auditEvents)).filter((a) => a.action === 'directory.exported').length).toBe(audits);
    // A mistyped filter is refused in the ack itself, as find's is.
    expect((await command('export status:gone')).acked.text).toContain('status:gone is not a status');
  });

  it('someone who is neither requester nor approver is refused, and nothing is uploaded or audited', { timeout: 60_000 }, async () => {
    const uploads = t.slack.uploadedFiles().length;
    const sent = await command('export', OUTSIDER);
    expect(sent.acked).toMatchObject({ response_type: 'ephemeral', text: EXPORT_NOT_ALLOWED_TEXT });
    // A later export by the requester is delivered, and it is the next upload: the outsider's left none.
    const next = await exported('export cchen');
    expect(t.slack.uploadedFiles().length).toBe(uploads + 1);
    expect(next.rows.slice(1).map((r) => r[0])).toEqual(['cchen']);
    expect((await t.db.select().from(auditEvents)).filter((a) => a.action === 'directory.exported' && a.actor === OUTSIDER)).toEqual([]);
  });
});
