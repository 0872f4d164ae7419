import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests, users } from '../../src/db/schema/index.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { decodeFindQuery, encodeFindQuery } from '../../src/slack/views/find-results.js';
import { decodeUserFormState } from '../../src/slack/views/user-form-state.js';
import { depsFor, softphone } from '../support/fixtures.js';
import { fillView, type SlackView, type ViewElement, type ViewOption, type ViewStateValues } from '../support/fill-view.js';
import { rowCounts } from '../support/queries.js';
import type { SlackCall } from '../support/slack-double.js';
import { REQUESTER, sendBlockAction, sendViewSubmission, triggerId, type SlackAck } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { extensionThroughApproval, setupRequester } from '../support/through-approval.js';

/**
 * Hostile input in every field of every modal, and in `/provision`: the bot never answers 5xx (nor
 * leaves a request unanswered), refuses on blocks that exist in the submitted view, writes nothing for
 * what it refuses, and escapes whatever it shows back in mrkdwn. fast-check prints the seed and the
 * shrunk counterexample of a failure; re-run one with FC_SEED=<seed> (and FC_PATH=<path>);
 * FC_RUNS_FACTOR=<n> multiplies every property's runs.
 */

/** FC_RUNS_FACTOR=10 fuzzes ten times longer (locally); CI keeps the modest default. */
const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env.FC_RUNS_FACTOR ?? '1')));

const seedOptions = (): { seed?: number; path?: string } => ({
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
});

/** Text Slack treats as control (mentions, links, entities) and text other layers might (SQL, HTML). */
const MARKUP = ['<!channel>', '<!here>', '<!everyone>', '<@U123>', '<#C123>', '<script>alert(1)</script>', '<http://evil.example|click here>', 'AT&T'];
const HOSTILE = [
  ...MARKUP,
  "'; drop table users; --",
  "Robert'); DROP TABLE requests;--",
  '" OR 1=1 --',
  '*bold*',
  '_italic_',
  '~strike~',
  '`code`',
  '```block```',
  '&lt;!channel&gt;',
  '%s%n%x',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '../../etc/passwd',
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'lone \udfff surrogate',
  '\u202Eevil\u202C',
  'zero\u200Bwidth',
  'e\u0301',
  '👩🏽‍💻',
  '\n\r\t',
  '   ',
  '',
  '__proto__',
  'constructor',
  '1e309',
  '-1',
  '0',
  '99999999999999999999',
];
/** Up to 100 000 characters (shrinks to a few); only ASCII, so 100 000 of them stay well under Bolt's 4 MB body limit once URL-encoded. */
const ASCII_HOSTILE = HOSTILE.filter((s) => s !== '' && /^[\x20-\x7e]+$/.test(s));

const huge = fc
  .tuple(fc.constantFrom(...ASCII_HOSTILE), fc.integer({ min: 1, max: 100_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: huge },
);

/** Anything JSON can carry: numbers, arrays and objects where text is expected. */
const anyJson = fc.jsonValue({ maxDepth: 2 });
const notText = anyJson.filter((v) => typeof v !== 'string');

const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'number_input', 'url_text_input']);
const SINGLE_SELECTS = new Set(['static_select', 'radio_buttons', 'external_select']);
const ELEMENT_TYPES = ['plain_text_input', 'email_text_input', 'static_select', 'radio_buttons', 'checkboxes', 'multi_static_select', 'number_input', 'datepicker', 'users_select', 'rich_text_input'];

function optionsOf(element: ViewElement | undefined): ViewOption[] {
  return [...(element?.options ?? []), ...(element?.option_groups ?? []).flatMap((g) => g.options)];
}

const forgedOption = fc.record({ text: fc.record({ type: fc.constant('plain_text'), text }), value: fc.oneof(text, notText) });

function optionArb(element: ViewElement | undefined): fc.Arbitrary<unknown> {
  const real = optionsOf(element);
  return fc.oneof(...(real.length ? [fc.constantFrom(...real)] : []), forgedOption, fc.record({ value: fc.oneof(text, notText) }), anyJson);
}

/** What Slack would report for the element, with hostile content; or another element type; or anything at all. */
function elementArb(element: ViewElement | undefined): fc.Arbitrary<unknown> {
  const type = element?.type ?? 'plain_text_input';
  const option = optionArb(element);
  const right = TEXT_INPUTS.has(type)
    ? fc.record({ type: fc.constant(type), value: fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: notText }) })
    : SINGLE_SELECTS.has(type)
      ? fc.record({ type: fc.constant(type), selected_option: fc.oneof(option, fc.constant(null)) })
      : fc.record({ type: fc.constant(type), selected_options: fc.oneof({ weight: 4, arbitrary: fc.array(option, { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson }) });
  const wrongType = fc.record(
    {
      type: fc.oneof(fc.constantFrom(...ELEMENT_TYPES.filter((t) => t !== type)), text, notText),
      value: fc.oneof(text, notText),
      selected_option: option,
      selected_options: fc.oneof(fc.array(option, { maxLength: 3 }), anyJson),
    },
    { requiredKeys: ['type'] },
  );
  return fc.oneof({ weight: 6, arbitrary: right }, { weight: 2, arbitrary: wrongType }, { weight: 1, arbitrary: anyJson });
}

type Plan = { kind: 'keep' } | { kind: 'missing' } | { kind: 'set'; block: unknown };

function blockPlan(element: ViewElement | undefined): fc.Arbitrary<Plan> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant<Plan>({ kind: 'keep' }) },
    { weight: 1, arbitrary: fc.constant<Plan>({ kind: 'missing' }) },
    { weight: 4, arbitrary: elementArb(element).map((e): Plan => ({ kind: 'set', block: { [ACTIONS.input]: e } })) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(text, fc.constantFrom('__proto__', 'constructor')), elementArb(element)).map(([key, e]): Plan => ({ kind: 'set', block: Object.fromEntries([[key, e]]) })) },
    { weight: 1, arbitrary: anyJson.map((block): Plan => ({ kind: 'set', block })) },
  );
}

const inputBlocks = (view: SlackView) => view.blocks.filter((b) => b.type === 'input' && b.block_id !== undefined);
const inputIds = (view: SlackView) => inputBlocks(view).map((b) => b.block_id!);

interface ValuesPlan {
  blocks: [string, Plan][];
  extra: [string, unknown][];
}

/**
 * A plan for `state.values`: per input block keep the valid baseline, drop it, or replace it; plus
 * stray blocks. Half the plans change one field only, hostile text of the right shape in an otherwise
 * valid form, so that valid-but-hostile requests get through and their echo in Slack is checked.
 */
function valuesPlan(view: SlackView): fc.Arbitrary<ValuesPlan> {
  const blocks = inputBlocks(view);
  const perBlock = blocks.map((b) => blockPlan(b.element).map((p): [string, Plan] => [b.block_id!, p]));
  const extraKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', `${BLOCKS.userCollections}_0`, 'collections', 'new_extension'), text);
  const anything = fc.record({ blocks: fc.tuple(...perBlock), extra: fc.array(fc.tuple(extraKey, anyJson), { maxLength: 2 }) });
  const textBlocks = blocks.filter((b) => TEXT_INPUTS.has(b.element?.type ?? ''));
  const oneField = fc.tuple(fc.constantFrom(...textBlocks), text).map(([target, value]): ValuesPlan => ({
    blocks: blocks.map((b): [string, Plan] => [b.block_id!, b === target ? { kind: 'set', block: { [ACTIONS.input]: { type: b.element?.type, value } } } : { kind: 'keep' }]),
    extra: [],
  }));
  return fc.oneof(anything, oneField);
}

/** Object.fromEntries, so `__proto__` lands as an own key and is sent, as JSON.parse on the bot's side would read it. */
function materialise(plan: ValuesPlan, baseline: ViewStateValues): ViewStateValues {
  const entries: [string, unknown][] = [];
  for (const [id, p] of plan.blocks) {
    if (p.kind === 'keep' && baseline[id] !== undefined) entries.push([id, baseline[id]]);
    else if (p.kind === 'set') entries.push([id, p.block]);
  }
  return Object.fromEntries([...entries, ...plan.extra]) as ViewStateValues;
}

/** Every string Slack renders as mrkdwn in a message or view: `type: 'mrkdwn'` objects and a message's top-level `text`. */
function mrkdwnTexts(value: unknown, topLevel = true, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) mrkdwnTexts(v, false, out);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.text === 'string' && (o.type === 'mrkdwn' || (topLevel && o.type === undefined))) out.push(o.text);
    for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') mrkdwnTexts(v, false, out);
  }
  return out;
}

/** No user-typed markup ever reaches Slack unescaped: no channel pings, no forged mentions or links, no bare `&`. */
function expectEscaped(value: unknown, where: string): void {
  for (const m of mrkdwnTexts(value)) {
    for (const raw of MARKUP) expect(m.includes(raw), `${where} shows ${JSON.stringify(raw)} unescaped in ${JSON.stringify(m.slice(0, 300))}`).toBe(false);
    // The bot's own mentions of real users (<@U0…>) and dates (<!date^…>) are the only control sequences allowed.
    expect(m, `${where}: a raw control sequence in mrkdwn`).not.toMatch(/<(?!@U0[A-Z]+>|!date\^\d+\^)[!@#]|<script|<http:\/\/evil/);
    expect(m, `${where}: a bare & in mrkdwn`).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

describe(`hostile input in every field (${testDriver})`, () => {
  let t: TestBot;
  const views: Record<'user' | 'agent' | 'clone' | 'extension' | 'agentExtension' | 'collections', SlackView> = {} as never;
  let sequence = 0;
  const requestCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;
  const errorLogs = (from: number) => t.logs.slice(from).filter((l) => Number(l.level) >= 50);

  async function open(text: string): Promise<SlackView> {
    const since = t.slack.calls.length;
    expect((await sendSlashCommand(t.baseUrl, { text, trigger_id: triggerId() })).status).toBe(200);
    return t.slack.waitForView({ method: 'views.open', since });
  }

  async function push(actionId: string, view: SlackView): Promise<SlackView> {
    const since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId, view, values: fillView(view) });
    return t.slack.waitForView({ method: 'views.push', since });
  }

  /** The answer is one Slack accepts: 200 with an empty ack, or `errors` on blocks the view has. */
  function expectCleanAck(ack: SlackAck, view: SlackView, allowed: ('empty' | 'errors' | 'clear')[]): 'empty' | 'errors' | 'clear' {
    expect(ack.status, ack.text).toBe(200);
    if (ack.text === '') {
      expect(allowed).toContain('empty');
      return 'empty';
    }
    expect(ack.body, ack.text).not.toBeNull();
    const action = ack.body?.response_action;
    if (action === 'clear') {
      expect(allowed).toContain('clear');
      expect(Object.keys(ack.body ?? {})).toEqual(['response_action']);
      return 'clear';
    }
    if (action === 'push') {
      // A refusal that belongs to no field of the view, told in a view of its own: escaped, and a refusal like errors.
      expect(ack.body?.view?.callback_id).toBe(VIEWS.formProblems);
      expect(allowed).toContain('errors');
      expectEscaped(ack.body?.view, 'the form problems view');
      return 'errors';
    }
    expect(action).toBe('errors');
    expect(allowed).toContain('errors');
    const errors = ack.body?.errors ?? {};
    const ids = inputIds(view);
    expect(Object.keys(errors).length).toBeGreaterThan(0);
    for (const [blockId, message] of Object.entries(errors)) {
      expect(ids, `error on ${blockId}, which is not an input of ${view.callback_id}`).toContain(blockId);
      expect(typeof message).toBe('string');
      expect(message.trim()).not.toBe('');
      // Never the whole of a 100 KB value echoed back.
      expect(message.length).toBeLessThanOrEqual(2000);
    }
    return 'errors';
  }

  /** Every Slack call the bot made since `since` was one Slack would accept, and says nothing unescaped. */
  function expectGoodCalls(since: number): SlackCall[] {
    const made = t.slack.calls.slice(since);
    for (const c of made) {
      // Looking up a person who does not exist (`clone <@U123>`) is a question, not something Slack refuses to show.
      if (c.method !== 'users.info') expect((c.answer as { ok?: boolean }).ok, `${c.method} refused by Slack: ${JSON.stringify(c.answer)}`).not.toBe(false);
      expectEscaped(c.args, c.method);
    }
    return made;
  }

  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: REQUESTER });
    // Free extensions, so the primary phone select is offered and the agent baseline can be valid.
    for (const n of [1500, 1501, 1502]) await extensionThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, softphone({ extensionNumber: n }));
    // The clone source, straight into the table: a password hash would only cost time here.
    await t.db.insert(users).values({ username: 'source', firstName: 'So', lastName: 'Urce', phone: '+15555551111', profileKey: 'standard-agent', userType: 'non_agent', createdBy: REQUESTER });
    views.user = await open('user');
    views.agent = await open('agent');
    views.clone = await open('clone source');
    views.extension = await open('extension');
    views.collections = await push(ACTIONS.chooseCollections, views.user);
    views.agentExtension = await push(ACTIONS.setUpNewExtension, views.agent);
  });
  afterAll(async () => t?.close());

  const person = () => ({ Username: `fz${++sequence}`, 'First Name': 'Fuzz', 'Last Name': 'Tester', 'Phone Number': '555-555-1234' });
  const baselineFor = (name: 'user' | 'agent' | 'clone'): ViewStateValues =>
    fillView(views[name], name === 'agent' ? { ...person(), 'Primary Phone (Extension)': '1500' } : person());

  for (const name of ['user', 'agent', 'clone'] as const) {
    it(`User Info (${name}): any state.values → errors on its own blocks or a stored request, never 5xx, nothing written when refused`, async () => {
      const before = await rowCounts(t.db);
      let stored = 0;
      await fc.assert(
        fc.asyncProperty(valuesPlan(views[name]), async (plan) => {
          const view = views[name];
          const values = materialise(plan, baselineFor(name));
          const requestsBefore = await requestCount();
          const logsFrom = t.logs.length;
          const since = t.slack.calls.length;
          const ack = await sendViewSubmission(t.baseUrl, { view, values, skipClientChecks: true });
          const outcome = expectCleanAck(ack, view, ['errors', 'clear']);
          if (outcome === 'errors') {
            expect(await requestCount()).toBe(requestsBefore);
          } else {
            stored += 1;
            // With a typed password the request is stored just after the ack (the hash runs after it).
            await expect.poll(requestCount, { timeout: 10_000 }).toBe(requestsBefore + 1);
            // The confirmation DM repeats what was typed: escaped.
            await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER, 3000, since);
          }
          expectGoodCalls(since);
          expect(errorLogs(logsFrom)).toEqual([]);
        }),
        { numRuns: runs(name === 'user' ? 60 : 30), ...seedOptions() },
      );
      // Pending requests write the request and its audit line only: no user, extension or membership.
      const after = await rowCounts(t.db);
      expect({ ...after, audit: after.audit - stored }).toEqual(before);
    });
  }

  it('Collections step: any state.values → an empty ack and User Info rebuilt with known collections only, nothing written', async () => {
    const before = { ...(await rowCounts(t.db)), requests: await requestCount() };
    const listBlocks = inputBlocks(views.collections);
    const collectionIds = listBlocks.flatMap((b) => optionsOf(b.element).map((o) => Number(o.value)));
    const idText = fc.oneof(fc.constantFrom(...collectionIds.map(String), '0', '-1', '1e3', ' 1', '01', '2147483648', '99999', '1.5', 'NaN'), text);
    const idOption = fc.oneof(fc.record({ text: fc.record({ type: fc.constant('plain_text'), text }), value: idText }), anyJson);
    const listValue = fc.record({ type: fc.constantFrom('multi_static_select', 'static_select', 'checkboxes'), selected_options: fc.oneof(fc.array(idOption, { maxLength: 6 }), anyJson) });
    const blockId = fc.oneof(fc.constantFrom(...listBlocks.map((b) => b.block_id!), `${BLOCKS.userCollections}_7_2`, `${BLOCKS.agentCollections}_9999999`, `${BLOCKS.userCollections}_1_1000`), text);
    const values = fc.array(fc.tuple(blockId, fc.oneof(listValue.map((v) => ({ [ACTIONS.input]: v })), anyJson)), { maxLength: 4 }).map((e) => Object.fromEntries(e) as ViewStateValues);
    await fc.assert(
      fc.asyncProperty(values, async (vals) => {
        const since = t.slack.calls.length;
        const logsFrom = t.logs.length;
        const ack = await sendViewSubmission(t.baseUrl, { view: views.collections, values: vals, skipClientChecks: true });
        expectCleanAck(ack, views.collections, ['empty']);
        const update = await t.slack.waitFor('views.update', 3000, since);
        expect(update.args.view_id).toBe(views.collections.root_view_id);
        const state = decodeUserFormState((update.args.view as SlackView).private_metadata ?? '');
        if (state.collectionIds !== 'all') for (const id of state.collectionIds) expect(collectionIds).toContain(id);
        expectGoodCalls(since);
        expect(errorLogs(logsFrom)).toEqual([]);
      }),
      { numRuns: runs(40), ...seedOptions() },
    );
    expect({ ...(await rowCounts(t.db)), requests: await requestCount() }).toEqual(before);
  });

  // The suggested Extension Number stays as prefilled: pending requests do not take it.
  const extensionBaseline = () => fillView(views.extension, { 'Device Name': `Fuzz desk ${++sequence}`, 'Device Type': 'Softphone' });

  it('Extension form: any state.values → errors on its own blocks or a stored request, never 5xx, nothing written when refused', async () => {
    const before = await rowCounts(t.db);
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(valuesPlan(views.extension), async (plan) => {
        const values = materialise(plan, extensionBaseline());
        const requestsBefore = await requestCount();
        const logsFrom = t.logs.length;
        const since = t.slack.calls.length;
        const ack = await sendViewSubmission(t.baseUrl, { view: views.extension, values, skipClientChecks: true });
        const outcome = expectCleanAck(ack, views.extension, ['errors', 'clear']);
        expect(await requestCount()).toBe(requestsBefore + (outcome === 'clear' ? 1 : 0));
        if (outcome === 'clear') {
          stored += 1;
          await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER, 3000, since);
        }
        expectGoodCalls(since);
        expect(errorLogs(logsFrom)).toEqual([]);
      }),
      { numRuns: runs(50), ...seedOptions() },
    );
    const after = await rowCounts(t.db);
    expect({ ...after, audit: after.audit - stored }).toEqual(before);
  });

  it('Agent’s Extension step: any state.values → errors on its own blocks or User Info rebuilt, never anything written', async () => {
    const before = { ...(await rowCounts(t.db)), requests: await requestCount() };
    const step = views.agentExtension;
    await fc.assert(
      fc.asyncProperty(valuesPlan(step), async (plan) => {
        const values = materialise(plan, fillView(step, { 'Device Name': 'Agent desk', 'Device Type': 'Softphone', 'Extension Number': '2999' }));
        const logsFrom = t.logs.length;
        const since = t.slack.calls.length;
        const ack = await sendViewSubmission(t.baseUrl, { view: step, values, skipClientChecks: true });
        if (expectCleanAck(ack, step, ['errors', 'empty']) === 'empty') {
          const update = await t.slack.waitFor('views.update', 3000, since);
          expect(update.args.view_id).toBe(step.root_view_id);
        }
        expectGoodCalls(since);
        expect(errorLogs(logsFrom)).toEqual([]);
      }),
      { numRuns: runs(40), ...seedOptions() },
    );
    expect({ ...(await rowCounts(t.db)), requests: await requestCount() }).toEqual(before);
  });

  /** Waits for what an empty command ack leads to: a modal, or an ephemeral reply through the response_url. */
  async function afterEmptyAck(since: number, responsesSince: number, url: string): Promise<void> {
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      if (t.slack.calls.slice(since).some((c) => c.method === 'views.open')) return;
      if (t.slack.responses.slice(responsesSince).some((r) => r.url === url)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('An empty ack led to neither a modal nor a reply');
  }

  const commandText = fc.oneof(
    { weight: 3, arbitrary: text },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('find', 'FIND', 'clone', 'help', 'user', 'agent', 'extension', 'Find', ''), text).map(([word, rest]) => `${word} ${rest}`) },
    { weight: 1, arbitrary: fc.tuple(text, text).map(([a, b]) => `${a}\n${b}`) },
  );

  it('/provision with any text → 200, an ephemeral answer or a modal, user text escaped, nothing written', async () => {
    const before = { ...(await rowCounts(t.db)), requests: await requestCount() };
    await fc.assert(
      fc.asyncProperty(commandText, async (typed) => {
        const since = t.slack.calls.length;
        const responsesSince = t.slack.responses.length;
        const logsFrom = t.logs.length;
        const url = t.slack.responseUrl(`cmd-${++sequence}`);
        const response = await sendSlashCommand(t.baseUrl, { text: typed, trigger_id: triggerId(), response_url: url });
        expect(response.status).toBe(200);
        const body = await response.text();
        if (body === '') {
          await afterEmptyAck(since, responsesSince, url);
        } else {
          const answer = JSON.parse(body) as Record<string, unknown>;
          expect(answer.response_type).toBe('ephemeral');
          expectEscaped(answer, `/provision ${typed.slice(0, 80)}`);
        }
        for (const r of t.slack.responses.slice(responsesSince)) expectEscaped(r.body, 'a response_url reply');
        expectGoodCalls(since);
        expect(errorLogs(logsFrom)).toEqual([]);
      }),
      { numRuns: runs(80), ...seedOptions() },
    );
    expect({ ...(await rowCounts(t.db)), requests: await requestCount() }).toEqual(before);
  });

  it('find paging and filter with any value → acked, a malformed value ignored, a good one answered escaped', async () => {
    const findMessage = (await (await sendSlashCommand(t.baseUrl, { text: 'find fuzz' })).json()) as { blocks: SlackView['blocks'] };
    const value = fc.oneof(
      fc.tuple(fc.constantFrom<'all' | 'agent' | 'non_agent'>('all', 'agent', 'non_agent'), fc.integer({ min: 1, max: 20 }), text).map(([kind, page, q]) => encodeFindQuery({ kind, page, text: q })),
      fc
        .tuple(fc.constantFrom<'active' | 'deactivated' | 'all'>('active', 'deactivated', 'all'), fc.constantFrom<string[]>([], ['austin-tx'], ['a', 'b.c_d-e']), text)
        .map(([status, siteKeys, q]) => encodeFindQuery({ kind: 'all', page: 1, text: q, status, siteKeys: [...siteKeys], departmentKeys: [...siteKeys] })),
      text,
      fc.tuple(fc.constantFrom('a|', 'g|0|', 'n|99999|', 'x|1|', 'a|1', 'ax|1|', 'ad|1|A||', 'gq|1|||', 'ad|1|a,,b||'), text).map(([head, rest]) => head + rest),
    );
    await fc.assert(
      fc.asyncProperty(value, fc.boolean(), async (v, viaFilter) => {
        const url = t.slack.responseUrl(`find-${++sequence}`);
        const logsFrom = t.logs.length;
        const since = t.slack.calls.length;
        const ack = viaFilter
          ? await sendBlockAction(t.baseUrl, { actionId: ACTIONS.findFilter, blockId: 'find_header', message: { blocks: findMessage.blocks, ts: '1.1' }, selectedOption: { text: { type: 'plain_text', text: 'x' }, value: v }, responseUrl: url, ephemeral: true })
          : await sendBlockAction(t.baseUrl, { actionId: ACTIONS.findPage, blockId: 'forged', message: { blocks: [{ type: 'actions', block_id: 'forged', elements: [{ type: 'button', action_id: ACTIONS.findPage, value: v }] }], ts: '1.1' }, responseUrl: url, ephemeral: true });
        expect(ack.status).toBe(200);
        expect(ack.text).toBe('');
        let wellFormed = true;
        try {
          decodeFindQuery(v);
        } catch {
          wellFormed = false;
        }
        if (wellFormed) {
          const reply = await t.slack.waitForResponse((r) => r.url === url, 3000);
          expect(reply.body.replace_original).toBe(true);
          expectEscaped(reply.body, 'a find page');
        }
        expectGoodCalls(since);
        expect(errorLogs(logsFrom)).toEqual([]);
      }),
      { numRuns: runs(40), ...seedOptions() },
    );
  });

  describe('what the bot says back is escaped', () => {
    it('a find query: `<!channel>` comes back as `&lt;!channel&gt;`', async () => {
      const answer = (await (await sendSlashCommand(t.baseUrl, { text: 'find <!channel> *bold* <@U123> AT&T' })).json()) as Record<string, unknown>;
      const shown = mrkdwnTexts(answer).join('\n');
      expect(shown).toContain('&lt;!channel&gt;');
      expect(shown).toContain('&lt;@U123&gt;');
      expect(shown).toContain('AT&amp;T');
      expectEscaped(answer, 'find');
      expect(String(answer.text)).toContain('&lt;!channel&gt;');
    });

    it('an unknown subcommand is echoed escaped, in the blocks and in the notification text', async () => {
      const answer = (await (await sendSlashCommand(t.baseUrl, { text: '<!channel> please' })).json()) as Record<string, unknown>;
      expect(mrkdwnTexts(answer).join('\n')).toContain('&lt;!channel&gt;');
      expect(String(answer.text)).toContain('&lt;!channel&gt;');
      expectEscaped(answer, 'unknown subcommand');
    });

    it('a clone of nobody is answered escaped through the response_url', async () => {
      const url = t.slack.responseUrl('clone-markup');
      const since = t.slack.responses.length;
      expect(await (await sendSlashCommand(t.baseUrl, { text: 'clone <!channel>', response_url: url })).text()).toBe('');
      const reply = await t.slack.waitForResponse((r) => r.url === url, 3000, since);
      expect(String(reply.body.text)).toContain('&lt;!channel&gt;');
      expectEscaped(reply.body, 'clone reply');
    });

    it('a valid request with markup in every free-text field is stored as typed and confirmed escaped', async () => {
      const since = t.slack.calls.length;
      const values = fillView(views.user, {
        Username: 'markup',
        'First Name': '<!channel>',
        'Last Name': '*bold* <@U123>',
        'Phone Number': '555-555-1234',
        Description: "<script>alert(1)</script> '; drop table users; -- AT&T <http://evil.example|click here>",
      });
      const ack = await sendViewSubmission(t.baseUrl, { view: views.user, values });
      expect(ack.body).toEqual({ response_action: 'clear' });
      const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'markup'`);
      expect(row?.payload).toMatchObject({ firstName: '<!channel>', lastName: '*bold* <@U123>' });
      const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER, 3000, since);
      expect(JSON.stringify(dm.args)).toContain('&lt;!channel&gt;');
      expectEscaped(dm.args, 'the confirmation DM');
      // Anything else it posted about the request (the approvals channel) too.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expectGoodCalls(since);
    });
  });
});
