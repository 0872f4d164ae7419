import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SlackView, ViewBlock } from './fill-view.js';

export interface SlackCall {
  method: string;
  /** The form or JSON body the app sent, parsed; JSON-valued form fields (view, blocks, attachments, metadata) decoded. */
  args: Record<string, unknown>;
  token: string | undefined;
  /** HTTP status the double answered with (200 unless failNext). */
  status: number;
  /** The body the double answered with. */
  answer: unknown;
}

/** A file in the double's workspace: shared by a person (`addFile`) or uploaded by the bot (files.uploadV2). */
export interface SlackFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  /** The bytes a download with the bot token gets. */
  content: Buffer;
  /** Who shared it: a member ID, or UBOT for the bot's uploads. */
  user: string;
  /** Where the bot shared its upload (files.completeUploadExternal), and in which thread. */
  channel?: string;
  threadTs?: string;
  initialComment?: string;
}

/** One POST the app made to a response_url the double serves. */
export interface SlackResponse {
  url: string;
  body: Record<string, unknown>;
}

/** A person in the double's user directory. */
export interface SlackUserEntry {
  email?: string;
  realName?: string;
  /** The handle; defaults to the email's local part or the id lower-cased. */
  name?: string;
  deleted?: boolean;
  isBot?: boolean;
  tz?: string;
}

/** A message the bot posted, as it stands after any chat.update. */
export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: ViewBlock[];
  thread_ts?: string;
  [key: string]: unknown;
}

export type ViewMethod = 'views.open' | 'views.push' | 'views.update' | 'views.publish';
export type ScriptedAnswer = Record<string, unknown> | ((args: Record<string, unknown>) => Record<string, unknown>);
type Predicate<T> = (item: T) => boolean;

const MODAL_METHODS: ViewMethod[] = ['views.open', 'views.push', 'views.update'];
/** Form fields the Web API client sends as JSON strings. */
const JSON_FIELDS = new Set(['view', 'blocks', 'attachments', 'metadata', 'unfurls', 'user_auth_blocks']);

export type SlackDouble = Awaited<ReturnType<typeof startSlackDouble>>;

/**
 * A Slack Web API stand-in served over HTTP: the app reaches it through SLACK_API_URL exactly as it
 * would reach slack.com/api, and every call is recorded for assertions. Methods answer the shapes
 * Slack answers (views get ids and hashes, messages get timestamps, users come from a directory the
 * test sets) unless a test scripts another answer. It also serves response_url targets.
 *
 * Slack calls happen after the HTTP ack: wait for them with `waitFor` / `waitForView` /
 * `waitForResponse`, passing `since` (`slack.calls.length` before the action) to ignore older calls.
 */
export async function startSlackDouble() {
  const calls: SlackCall[] = [];
  const responses: SlackResponse[] = [];
  const scripted = new Map<string, ScriptedAnswer>();
  const failures = new Map<string, { status: number; body: unknown; headers: Record<string, string> }[]>();
  /** Calls to hold back (not carried out, not answered) until the test releases them, per method. */
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }[]>();
  const users = new Map<string, SlackUserEntry>();
  const usergroups = new Map<string, string[]>();
  /** Handles of user groups (usergroups.list), by group ID. */
  const usergroupHandles = new Map<string, string>();
  /** Latest version of every view, by id. */
  const views = new Map<string, SlackView>();
  /** Every view the bot sent, in order: the version the double answered, and the index its call got in `calls`. */
  const viewLog: { method: ViewMethod; id: string; callIndex: number; version: SlackView }[] = [];
  const homeViews = new Map<string, string>();
  /** Methods whose answers wait until the test releases them (a slow Slack, deterministically). */
  const held = new Map<string, (() => void)[]>();
  const messages = new Map<string, SlackMessage>();
  const files = new Map<string, SlackFile>();
  /** Downloads of url_private, in order: which file, and whether the bot token came with it. */
  const downloads: { fileId: string; authorized: boolean }[] = [];
  const waiters = new Set<() => void>();
  /** Methods whose calls are recorded and never answered: a Slack that stopped responding mid-call. */
  const stalled = new Set<string>();
  /** Every call left unanswered, as when the network is gone. */
  let vanished = false;
  /** Where apps.connections.open sends the app (a local Socket Mode server), once a test sets one. */
  let socketModeUrl: string | undefined;
  let counter = 0;
  let tsCounter = 0;
  const next = () => ++counter;

  const notify = () => {
    for (const w of [...waiters]) w();
  };

  function newHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${next().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  }

  function storeView(method: ViewMethod, sent: SlackView, place: { id: string; root: string | null; previous: string | null; teamId?: string }): SlackView {
    const view: SlackView = {
      ...sent,
      id: place.id,
      team_id: 'T0TEAM',
      type: sent.type ?? 'modal',
      private_metadata: sent.private_metadata ?? '',
      callback_id: sent.callback_id ?? '',
      external_id: sent.external_id ?? '',
      state: { values: {} },
      hash: newHash(),
      clear_on_close: sent.clear_on_close ?? false,
      notify_on_close: sent.notify_on_close ?? false,
      root_view_id: place.root,
      previous_view_id: place.previous,
      app_id: 'A0APP',
      bot_id: 'BBOT',
    };
    views.set(place.id, view);
    viewLog.push({ method, id: place.id, callIndex: calls.length, version: structuredClone(view) });
    return structuredClone(view);
  }

  function viewFromArgs(args: Record<string, unknown>): SlackView | Record<string, unknown> {
    const view = args.view;
    if (!view || typeof view !== 'object') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: view'] } };
    const problems = viewProblems(view as SlackView);
    if (problems.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
    return view as SlackView;
  }

  /** The view a trigger came from: slack-interactions puts the view id in the trigger_id it sends. */
  function viewOfTrigger(trigger: unknown): SlackView | undefined {
    if (typeof trigger !== 'string') return undefined;
    const id = trigger.split('.').find((part) => views.has(part));
    return id ? views.get(id) : undefined;
  }

  function lastModal(): SlackView | undefined {
    for (let i = viewLog.length - 1; i >= 0; i--) {
      const entry = viewLog[i]!;
      if (entry.method !== 'views.publish') return views.get(entry.id);
    }
    return undefined;
  }

  function postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const requested = typeof args.channel === 'string' ? args.channel : '';
    if (!requested) return { ok: false, error: 'channel_not_found' };
    const blockProblems = Array.isArray(args.blocks) && args.blocks.length > 50 ? ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] : [];
    if (blockProblems.length) return { ok: false, error: 'invalid_blocks', response_metadata: { messages: blockProblems } };
    if (!args.text && !args.blocks && !args.attachments) return { ok: false, error: 'no_text' };
    const channel = /^[UW]/.test(requested) ? `D${requested}` : requested;
    const ts = `${1_700_000_000 + ++tsCounter}.000100`;
    const message: SlackMessage = {
      type: 'message',
      user: 'UBOT',
      bot_id: 'BBOT',
      app_id: 'A0APP',
      team: 'T0TEAM',
      ts,
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks as ViewBlock[] } : {}),
      ...(typeof args.thread_ts === 'string' ? { thread_ts: args.thread_ts } : {}),
      ...(args.metadata ? { metadata: args.metadata } : {}),
      channel,
    };
    messages.set(ts, message);
    const { channel: _c, ...shown } = message;
    return { ok: true, channel, ts, message: shown };
  }

  function realAnswer(method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        // Slack opens Socket Mode only for an app-level token.
        if (!token?.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
        return socketModeUrl ? { ok: true, url: socketModeUrl } : { ok: false, error: 'not_allowed', detail: 'the test set no Socket Mode server (useSocketMode)' };
      case 'auth.test':
        return { ok: true, url: 'https://example.slack.com/', team: 'Test Team', user: 'provision-bot', team_id: 'T0TEAM', user_id: 'UBOT', bot_id: 'BBOT', is_enterprise_install: false };
      case 'views.open': {
        const sent = viewFromArgs(args);
        if ('ok' in sent) return sent;
        if (!args.trigger_id && !args.interactivity_pointer) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } };
        const id = `V${next()}`;
        return { ok: true, view: storeView('views.open', sent as SlackView, { id, root: id, previous: null }) };
      }
      case 'views.push': {
        const sent = viewFromArgs(args);
        if ('ok' in sent) return sent;
        if (!args.trigger_id && !args.interactivity_pointer) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } };
        const under = viewOfTrigger(args.trigger_id) ?? lastModal();
        const id = `V${next()}`;
        const root = under ? (under.root_view_id ?? under.id ?? id) : id;
        return { ok: true, view: storeView('views.push', sent as SlackView, { id, root, previous: under?.id ?? null }) };
      }
      case 'views.update': {
        const sent = viewFromArgs(args);
        if ('ok' in sent) return sent;
        const current = typeof args.view_id === 'string' && args.view_id ? views.get(args.view_id) : [...views.values()].find((v) => v.external_id && v.external_id === args.external_id);
        if (!current?.id) return { ok: false, error: 'not_found' };
        if (typeof args.hash === 'string' && args.hash && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
        return { ok: true, view: storeView('views.update', sent as SlackView, { id: current.id, root: current.root_view_id ?? current.id, previous: current.previous_view_id ?? null }) };
      }
      case 'views.publish': {
        const sent = viewFromArgs(args);
        if ('ok' in sent) return sent;
        const user = typeof args.user_id === 'string' ? args.user_id : '';
        if (!user) return { ok: false, error: 'invalid_arguments' };
        const existing = homeViews.get(user);
        if (existing && typeof args.hash === 'string' && args.hash && args.hash !== views.get(existing)?.hash) return { ok: false, error: 'hash_conflict' };
        const id = existing ?? `V${next()}`;
        homeViews.set(user, id);
        return { ok: true, view: storeView('views.publish', { ...(sent as SlackView), type: 'home' }, { id, root: id, previous: null }) };
      }
      case 'chat.postMessage':
        return postMessage(args);
      case 'chat.update': {
        const ts = typeof args.ts === 'string' ? args.ts : '';
        const found = messages.get(ts);
        if (!found) return { ok: false, error: 'message_not_found' };
        if (args.channel !== found.channel && args.channel !== found.channel.replace(/^D/, '')) return { ok: false, error: 'channel_not_found' };
        if (Array.isArray(args.blocks) && args.blocks.length > 50) return { ok: false, error: 'invalid_blocks' };
        const updated: SlackMessage = {
          ...found,
          ...(typeof args.text === 'string' ? { text: args.text } : {}),
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks as ViewBlock[] } : {}),
          edited: { user: 'UBOT', ts: `${1_700_000_000 + ++tsCounter}.000100` },
        };
        messages.set(ts, updated);
        const { channel: _c, ...shown } = updated;
        return { ok: true, channel: found.channel, ts, text: updated.text ?? '', message: shown };
      }
      case 'chat.delete': {
        const ts = typeof args.ts === 'string' ? args.ts : '';
        const found = messages.get(ts);
        if (!found) return { ok: false, error: 'message_not_found' };
        messages.delete(ts);
        return { ok: true, channel: found.channel, ts };
      }
      case 'chat.postEphemeral':
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        if (!args.user) return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: `${1_700_000_000 + ++tsCounter}.000200` };
      case 'conversations.open': {
        const ids = str(args.users).split(',').map((u) => u.trim()).filter(Boolean);
        if (ids.length === 0) return typeof args.channel === 'string' ? { ok: true, channel: { id: args.channel } } : { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: ids.length === 1 ? `D${ids[0]}` : `G${ids.join('')}` } };
      }
      case 'users.info': {
        const id = str(args.user);
        const entry = users.get(id);
        return entry ? { ok: true, user: userShape(id, entry) } : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const email = str(args.email).toLowerCase();
        const found = [...users].find(([, u]) => u.email?.toLowerCase() === email);
        return found ? { ok: true, user: userShape(found[0], found[1]) } : { ok: false, error: 'users_not_found' };
      }
      case 'usergroups.users.list': {
        const group = usergroups.get(str(args.usergroup));
        return group ? { ok: true, users: [...group] } : { ok: false, error: 'no_such_subteam' };
      }
      case 'files.info': {
        const file = files.get(str(args.file));
        return file ? { ok: true, file: fileShape(file) } : { ok: false, error: 'file_not_found' };
      }
      case 'files.getUploadURLExternal': {
        const name = str(args.filename);
        const length = Number(args.length);
        if (!name || !Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_arguments' };
        const id = `F${next()}`;
        files.set(id, { id, name, title: name, mimetype: 'application/octet-stream', filetype: name.split('.').pop() ?? 'binary', content: Buffer.alloc(0), user: 'UBOT' });
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as { id: string; title?: string }[];
        if (!Array.isArray(listed) || listed.length === 0) return { ok: false, error: 'invalid_arguments' };
        const done: SlackFile[] = [];
        for (const entry of listed) {
          const file = files.get(entry.id);
          if (!file || file.content.length === 0) return { ok: false, error: 'file_not_found' };
          if (entry.title) file.title = entry.title;
          const channel = str(args.channel_id);
          if (channel) file.channel = /^[UW]/.test(channel) ? `D${channel}` : channel;
          if (str(args.thread_ts)) file.threadTs = str(args.thread_ts);
          if (str(args.initial_comment)) file.initialComment = str(args.initial_comment);
          done.push(file);
        }
        return { ok: true, files: done.map(fileShape) };
      }
      case 'usergroups.list':
        return {
          ok: true,
          usergroups: [...usergroups].map(([id, members]) => ({ id, team_id: 'T0TEAM', handle: usergroupHandles.get(id) ?? id.toLowerCase(), name: usergroupHandles.get(id) ?? id, user_count: members.length, date_delete: 0 })),
        };
      default:
        return { ok: true };
    }
  }

  function record(call: SlackCall) {
    calls.push(call);
    notify();
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  function takeFailure(key: string) {
    const queue = failures.get(key);
    const failure = queue?.shift();
    if (queue && queue.length === 0) failures.delete(key);
    return failure;
  }

  function fileShape(file: SlackFile): Record<string, unknown> {
    const url = `${base}/files-pri/T0TEAM-${file.id}/${encodeURIComponent(file.name)}`;
    return {
      id: file.id,
      name: file.name,
      title: file.title,
      mimetype: file.mimetype,
      filetype: file.filetype,
      size: file.content.length,
      user: file.user,
      url_private: url,
      url_private_download: `${url}?download=1`,
      ...(file.channel ? { channels: [file.channel] } : {}),
    };
  }

  /** url_private: the file's bytes for a request with the bot token; Slack's sign-in page (HTML) without one. */
  function serveFile(req: IncomingMessage, path: string, res: ServerResponse) {
    const id = /^\/files-pri\/T0TEAM-(F[0-9]+)\//.exec(path)?.[1] ?? '';
    const file = files.get(id);
    const authorized = (req.headers.authorization ?? '').startsWith('Bearer xoxb-');
    downloads.push({ fileId: id, authorized });
    notify();
    if (!file) return send(res, 404, 'file not found');
    if (!authorized) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
    }
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.content.length) });
    res.end(file.content);
  }

  /** The upload_url of files.getUploadURLExternal: the client posts the bytes as multipart form data. */
  async function receiveUpload(req: IncomingMessage, path: string, body: Buffer, res: ServerResponse) {
    const file = files.get(path.replace(/^\/upload\//, ''));
    if (!file) return send(res, 404, 'no such upload');
    const type = req.headers['content-type'] ?? '';
    let content = body;
    if (type.includes('multipart/form-data')) {
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string');
      content = part && typeof part !== 'string' ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    file.content = content;
    file.mimetype = file.name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream';
    send(res, 200, `OK - ${content.length}`);
  }

  function handle(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (vanished) return;
    if (path.startsWith('/files-pri/')) return serveFile(req, path, res);
    if (path.startsWith('/upload/')) {
      void receiveUpload(req, path, body, res).catch((err: unknown) => send(res, 500, String(err)));
      return;
    }
    const raw = body.toString('utf8');
    const next = holds.get(path.replace(/^\/+(api\/)?/, ''))?.shift();
    if (next) {
      next.arrived();
      // Carried out (a chat.update applied, a message posted) only once released, as a slow Slack would.
      void next.released.then(() => {
        try {
          handle(req, body, res);
        } catch (err) {
          send(res, 500, { ok: false, error: 'double_failed', detail: err instanceof Error ? err.message : String(err) });
        }
      });
      return;
    }
    if (path.startsWith('/response/')) {
      const failure = takeFailure('response_url');
      responses.push({ url: `${base}${path}`, body: parseBody(req, raw) });
      notify();
      if (failure) send(res, failure.status, failure.body, failure.headers);
      else send(res, 200, { ok: true });
      return;
    }
    const method = path.replace(/^\/+(api\/)?/, '');
    const waiting = held.get(method);
    if (waiting) {
      waiting.push(() => handle(req, body, res));
      return;
    }
    const args = parseBody(req, raw);
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? (typeof args.token === 'string' ? args.token : undefined);
    if (stalled.has(method) || vanished) {
      record({ method, args, token, status: 0, answer: undefined });
      return;
    }
    const failure = takeFailure(method);
    if (failure) {
      record({ method, args, token, status: failure.status, answer: failure.body });
      send(res, failure.status, failure.body, failure.headers);
      return;
    }
    const script = scripted.get(method);
    const answer = script ? (typeof script === 'function' ? script(args) : script) : realAnswer(method, args, token);
    record({ method, args, token, status: 200, answer });
    send(res, 200, answer);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch (err) {
        send(res, 500, { ok: false, error: 'double_failed', detail: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (hit === undefined) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  }

  const callMatcher = (match: string | Predicate<SlackCall>): Predicate<SlackCall> => (typeof match === 'string' ? (c) => c.method === match : match);
  const recorded = (since: number) => calls.slice(since).map((c) => c.method).join(', ') || 'none';

  function latestViewIn(methods: ViewMethod[], callbackId?: string, since = 0): SlackView | undefined {
    for (let i = viewLog.length - 1; i >= 0; i--) {
      const entry = viewLog[i]!;
      if (entry.callIndex < since) break;
      if (methods.includes(entry.method) && (callbackId === undefined || entry.version.callback_id === callbackId)) return structuredClone(entry.version);
    }
    return undefined;
  }

  return {
    /** What to set SLACK_API_URL to. */
    url: `${base}/api/`,
    /** The double's origin (http://127.0.0.1:port). */
    baseUrl: base,
    calls,
    /** POSTs the app made to response_urls (`responseUrl(name)`), in order. */
    responses,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    /** Answers every later call to `method` with `answer` (or what `answer(args)` returns) instead of the realistic default. */
    script: (method: string, answer: ScriptedAnswer) => {
      scripted.set(method, answer);
    },
    unscript: (method: string) => {
      scripted.delete(method);
    },
    /**
     * Answers the next call to `method` (one call; queue several for several) with this HTTP status,
     * body and headers: e.g. `failNext('chat.postMessage', 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' })`
     * or `failNext('views.open', 200, { ok: false, error: 'expired_trigger_id' })`. Use method `'response_url'`
     * to fail the next POST to a response_url.
     */
    failNext: (method: string, status: number, body: Record<string, unknown> | string = { ok: false, error: 'internal_error' }, headers: Record<string, string> = {}) => {
      const queue = failures.get(method) ?? [];
      queue.push({ status, body, headers });
      failures.set(method, queue);
    },
    /**
     * Holds every later call to `method` unanswered (and unrecorded) until the returned release is
     * called: then they are answered in order, as usual. For a Slack that is slow, on the test's cue.
     */
    hold: (method: string): (() => void) => {
      held.set(method, held.get(method) ?? []);
      return () => {
        const waiting = held.get(method) ?? [];
        held.delete(method);
        for (const answer of waiting) answer();
      };
    },
    /** How many calls to `method` are being held. */
    heldCount: (method: string): number => held.get(method)?.length ?? 0,
    /**
     * Holds back the next call to `method`: it is neither carried out nor answered until `release()`.
     * `arrived` resolves when the bot has made that call. For races: an update that lands late.
     */
    holdNext: (method: string) => {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(method, [...(holds.get(method) ?? []), { arrived, released }]);
      return { arrived: arrival, release };
    },
    /** Answers apps.connections.open (for an xapp- token) with this ws:// URL: see socket-mode-server.ts. */
    useSocketMode: (url: string) => {
      socketModeUrl = url;
    },
    /** A response_url the double serves: the app's POSTs to it land in `responses`. */
    responseUrl: (name: string) => `${base}/response/${encodeURIComponent(name)}`,
    /** Puts a person in the directory users.info and users.lookupByEmail answer from. */
    setSlackUser: (id: string, entry: SlackUserEntry) => {
      users.set(id, entry);
    },
    removeSlackUser: (id: string) => {
      users.delete(id);
    },
    /** Sets who is in a user group (usergroups.users.list) and, optionally, its handle (usergroups.list); unknown groups answer `no_such_subteam`. */
    setUsergroupUsers: (usergroupId: string, members: string[], handle?: string) => {
      usergroups.set(usergroupId, [...members]);
      if (handle !== undefined) usergroupHandles.set(usergroupId, handle);
    },
    /**
     * Puts a file in the workspace as a person shares it (a CSV attached to a message, or given to a
     * modal's file_input): files.info answers it, and url_private serves `content` to the bot token.
     */
    addFile: (file: { name: string; content: string | Buffer; mimetype?: string; filetype?: string; user?: string }): SlackFile => {
      const id = `F${next()}`;
      const entry: SlackFile = {
        id,
        name: file.name,
        title: file.name,
        mimetype: file.mimetype ?? (file.name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream'),
        filetype: file.filetype ?? (file.name.split('.').pop() ?? 'binary'),
        content: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content,
        user: file.user ?? 'U0HR',
      };
      files.set(id, entry);
      return copyFile(entry);
    },
    /** The files the bot uploaded and shared (files.uploadV2), in order, with their content. */
    uploadedFiles: (): SlackFile[] => [...files.values()].filter((f) => f.user === 'UBOT' && f.channel !== undefined).map(copyFile),
    /** Resolves with the first shared upload that matches; rejects after timeoutMs. */
    waitForUpload(match: Predicate<SlackFile> = () => true, timeoutMs = 3000): Promise<SlackFile> {
      const find = () => [...files.values()].find((f) => f.user === 'UBOT' && f.channel !== undefined && match(f));
      return waitUntil(() => {
        const hit = find();
        return hit ? copyFile(hit) : undefined;
      }, timeoutMs, () => `an uploaded file (${[...files.values()].filter((f) => f.user === 'UBOT').length} uploads so far, none matching)`);
    },
    /** Every download of a url_private, in order. */
    downloads,
    /** Deletes a user group: usergroups.users.list then answers `no_such_subteam`. */
    removeUsergroup: (usergroupId: string) => {
      usergroups.delete(usergroupId);
      usergroupHandles.delete(usergroupId);
    },
    /**
     * The last view the bot sent (by default through views.open, views.push or views.update), as the
     * double answered it: with its id, root_view_id, previous_view_id and hash. Throws when none.
     */
    latestView(method?: ViewMethod | ViewMethod[], callbackId?: string): SlackView {
      const methods = method === undefined ? MODAL_METHODS : Array.isArray(method) ? method : [method];
      const view = latestViewIn(methods, callbackId);
      if (!view) throw new Error(`The bot has not sent a view${callbackId ? ` with callback_id ${callbackId}` : ''} through ${methods.join('/')} (calls so far: ${recorded(0)})`);
      return view;
    },
    /** The latest version the bot sent of view `id`. Throws when the double never gave out that id. */
    viewById(id: string): SlackView {
      const view = views.get(id);
      if (!view) throw new Error(`No view ${id}: the double gave out ${[...views.keys()].join(', ') || 'none'}`);
      return structuredClone(view);
    },
    /** The user's App Home as last published. Throws when none. */
    homeView(userId: string): SlackView {
      const id = homeViews.get(userId);
      if (!id) throw new Error(`The bot has not published an App Home for ${userId}`);
      return structuredClone(views.get(id)!);
    },
    /** A message the bot posted (by its ts), as it stands after chat.update. */
    message(ts: string): SlackMessage {
      const found = messages.get(ts);
      if (!found) throw new Error(`No message with ts ${ts}`);
      return structuredClone(found);
    },
    /** The bot's latest message, optionally in one channel (a user id matches the DM with them). */
    latestMessage(channel?: string): SlackMessage {
      const all = [...messages.values()].filter((m) => channel === undefined || m.channel === channel || m.channel === `D${channel}`);
      const last = all[all.length - 1];
      if (!last) throw new Error(`The bot has posted no message${channel ? ` in ${channel}` : ''}`);
      return structuredClone(last);
    },
    /**
     * The view Slack shows after a view_submission was acked with `response_action: 'update'` (same
     * id, new hash) or `'push'` (a new view on the same stack); registers it so viewById/latestView
     * and later views.update calls know it. Returns undefined for other acks.
     */
    viewAfterAck(submitted: SlackView, ack: { response_action?: unknown; view?: unknown } | null): SlackView | undefined {
      if (!ack || !submitted.id || !ack.view || typeof ack.view !== 'object') return undefined;
      const sent = ack.view as SlackView;
      const root = submitted.root_view_id ?? submitted.id;
      let stored: SlackView | undefined;
      if (ack.response_action === 'update') stored = storeView('views.update', sent, { id: submitted.id, root, previous: submitted.previous_view_id ?? null });
      else if (ack.response_action === 'push') stored = storeView('views.push', sent, { id: `V${next()}`, root, previous: submitted.id });
      if (stored) notify();
      return stored;
    },
    /** Resolves with the first call since index `since` that is to `method` / matches; rejects after timeoutMs. */
    waitFor(match: string | Predicate<SlackCall>, timeoutMs = 3000, since = 0): Promise<SlackCall> {
      const matches = callMatcher(match);
      return waitUntil(() => calls.slice(since).find(matches), timeoutMs, () => `a Slack call ${typeof match === 'string' ? `to ${match}` : 'matching the predicate'} (calls since ${since}: ${recorded(since)})`);
    },
    /** Resolves with the latest view sent (through `method`, with `callbackId`) by a call made at or after index `since`. */
    waitForView(options: { method?: ViewMethod | ViewMethod[]; callbackId?: string; since?: number } = {}, timeoutMs = 3000): Promise<SlackView> {
      const methods = options.method === undefined ? MODAL_METHODS : Array.isArray(options.method) ? options.method : [options.method];
      const since = options.since ?? 0;
      return waitUntil(
        () => latestViewIn(methods, options.callbackId, since),
        timeoutMs,
        () => `a view${options.callbackId ? ` ${options.callbackId}` : ''} through ${methods.join('/')} (calls since ${since}: ${recorded(since)})`,
      );
    },
    /** Resolves with the first response_url POST since index `since` that matches. */
    waitForResponse(match: Predicate<SlackResponse> = () => true, timeoutMs = 3000, since = 0): Promise<SlackResponse> {
      return waitUntil(() => responses.slice(since).find(match), timeoutMs, () => `a POST to a response_url (${responses.length - since} since ${since}, none matching)`);
    },
    /** Calls to `method` from now on are recorded and left unanswered (until `kill`). */
    stall: (method: string) => {
      stalled.add(method);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    /**
     * Goes silent as a lost network does: calls in flight and later calls on open connections are never
     * answered, new connections are refused. `kill` afterwards to clean up.
     */
    vanish: () => {
      vanished = true;
      server.close();
    },
    /** Goes at once: every connection (and call in flight) cut, no new ones. */
    kill: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A copy the test may keep: structuredClone would turn the Buffer into a bare Uint8Array. */
const copyFile = (file: SlackFile): SlackFile => ({ ...file, content: Buffer.from(file.content) });

function parseBody(req: IncomingMessage, raw: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').includes('json')) return (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
  const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const [key, value] of Object.entries(args)) {
    if (!JSON_FIELDS.has(key) || typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value) as unknown;
    } catch {
      // Not JSON: Slack would reject it; keep the text for the assertion to show.
    }
  }
  return args;
}

function userShape(id: string, entry: SlackUserEntry): Record<string, unknown> {
  const name = entry.name ?? entry.email?.split('@')[0] ?? id.toLowerCase();
  const realName = entry.realName ?? name;
  return {
    id,
    team_id: 'T0TEAM',
    name,
    deleted: entry.deleted ?? false,
    real_name: realName,
    tz: entry.tz ?? 'America/New_York',
    is_bot: entry.isBot ?? false,
    is_admin: false,
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: name,
      ...(entry.email ? { email: entry.email } : {}),
      team: 'T0TEAM',
    },
  };
}

const plainTextLimit = (value: unknown, max: number, pointer: string, problems: string[]) => {
  const text = value && typeof value === 'object' && 'text' in value ? value.text : undefined;
  if (typeof text === 'string' && text.length > max) problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
};

/** The limits Slack enforces on views that bots most often trip over, with Slack's error messages. */
function viewProblems(view: SlackView): string[] {
  const problems: string[] = [];
  const isModal = (view.type ?? 'modal') === 'modal';
  if (isModal) {
    if (!view.title) problems.push('[ERROR] missing required field: title [json-pointer:/view]');
    plainTextLimit(view.title, 24, '/view/title/text', problems);
    plainTextLimit(view.submit, 24, '/view/submit/text', problems);
    plainTextLimit(view.close, 24, '/view/close/text', problems);
    if (view.blocks?.some((b) => b.type === 'input') && !view.submit) problems.push('[ERROR] must provide submit property when using input blocks [json-pointer:/view]');
  }
  if (!Array.isArray(view.blocks)) {
    problems.push('[ERROR] missing required field: blocks [json-pointer:/view]');
    return problems;
  }
  if (view.blocks.length > 100) problems.push('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
  if ((view.private_metadata ?? '').length > 3000) problems.push('[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]');
  if ((view.callback_id ?? '').length > 255) problems.push('[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]');
  const seen = new Set<string>();
  view.blocks.forEach((block, i) => {
    if (block.block_id !== undefined) {
      if (seen.has(block.block_id)) problems.push(`[ERROR] duplicate block_id ${block.block_id} [json-pointer:/view/blocks/${i}/block_id]`);
      seen.add(block.block_id);
      if (block.block_id.length > 255) problems.push(`[ERROR] must be less than 256 characters [json-pointer:/view/blocks/${i}/block_id]`);
    }
    if (block.type === 'input') {
      if (!block.label) problems.push(`[ERROR] missing required field: label [json-pointer:/view/blocks/${i}]`);
      if (!block.element) problems.push(`[ERROR] missing required field: element [json-pointer:/view/blocks/${i}]`);
      plainTextLimit(block.label, 2000, `/view/blocks/${i}/label/text`, problems);
    }
    plainTextLimit(block.text, 3000, `/view/blocks/${i}/text/text`, problems);
    const elements = [...(block.element ? [block.element] : []), ...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
    for (const element of elements) {
      const options = [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options)];
      if ((element.options ?? []).length > 100) problems.push(`[ERROR] no more than 100 items allowed [json-pointer:/view/blocks/${i}/element/options]`);
      options.forEach((option, j) => {
        plainTextLimit(option.text, 75, `/view/blocks/${i}/element/options/${j}/text/text`, problems);
        if ((option.value ?? '').length > 150) problems.push(`[ERROR] must be less than 151 characters [json-pointer:/view/blocks/${i}/element/options/${j}/value]`);
      });
    }
  });
  return problems;
}
