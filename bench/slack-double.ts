import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal, fast Slack Web API stand-in for the benchmark. test/support/slack-double.ts records and
 * deep-clones every call, which is right for assertions and wrong for 10⁵ calls; this one only counts
 * calls per method and answers the shapes the bot reads (view ids, message ts, DM channels). It keeps
 * the last opened view (to build a realistic submission from it) and the messages posted to one
 * channel (the approvals channel: their ts and blocks feed the Approve clicks). Files a person shares
 * (`addFile`: an import's CSV) are served as Slack serves them: files.info, then url_private with the
 * bot token; the bot's own uploads (files.uploadV2) are accepted and only counted.
 */
export interface DoubleStats {
  counts: Record<string, number>;
  /** Calls answered ok: false (the double's own refusals, e.g. a lookup of an unknown email). */
  refusals: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
}

export interface BenchSlackDouble {
  /** What to set SLACK_API_URL to. */
  url: string;
  stats(): DoubleStats;
  reset(): void;
  /** The `view` argument of the last views.open, parsed. */
  lastOpenedView(): Record<string, unknown> | undefined;
  /** Messages posted to `watchChannel`, in order. */
  watched(): PostedMessage[];
  /** A file shared in the workspace (a modal's file_input): its ID, which files.info answers. */
  addFile(name: string, content: string): string;
  /**
   * For each views.open whose trigger_id starts with the send time in ms (`{{now}}` in a bench slash
   * command), how long after sending the command it arrived: when the person would see the modal.
   * Returns those gathered since the last call, and forgets them.
   */
  takeModalDelays(): number[];
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['view', 'blocks', 'attachments', 'metadata']);

function parseArgs(req: IncomingMessage, raw: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        args[k] = JSON.parse(v) as unknown;
        continue;
      } catch {
        // keep the raw string
      }
    }
    args[k] = v;
  }
  return args;
}

export async function startBenchSlackDouble(options: { watchChannel?: string } = {}): Promise<BenchSlackDouble> {
  let counts: Record<string, number> = {};
  let refusals = 0;
  let seq = 0;
  let lastView: Record<string, unknown> | undefined;
  const watched: PostedMessage[] = [];
  let modalDelays: number[] = [];
  const files = new Map<string, { name: string; content: Buffer }>();
  let origin = '';

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://bench.slack.com/', team: 'Bench', user: 'provision-bot', team_id: 'T0TEAM', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const view = (typeof args.view === 'object' && args.view ? args.view : {}) as Record<string, unknown>;
        if (method === 'views.open') {
          lastView = view;
          const sent = typeof args.trigger_id === 'string' ? /^(\d{13})\./.exec(args.trigger_id)?.[1] : undefined;
          if (sent) modalDelays.push(Date.now() - Number(sent));
        }
        const id = typeof args.view_id === 'string' && args.view_id ? args.view_id : `V${++seq}`;
        return { ok: true, view: { id, team_id: 'T0TEAM', type: view.type ?? 'modal', callback_id: view.callback_id ?? '', private_metadata: view.private_metadata ?? '', hash: `h${seq}`, root_view_id: id, app_id: 'A0APP', bot_id: 'BBOT' } };
      }
      case 'chat.postMessage': {
        const requested = typeof args.channel === 'string' ? args.channel : '';
        const channel = /^[UW]/.test(requested) ? `D${requested}` : requested;
        const ts = `${1_700_000_000 + ++seq}.000100`;
        if (options.watchChannel && requested === options.watchChannel) {
          watched.push({ channel, ts, ...(typeof args.text === 'string' ? { text: args.text } : {}), ...(Array.isArray(args.blocks) ? { blocks: args.blocks as unknown[] } : {}) });
        }
        return { ok: true, channel, ts, message: { type: 'message', ts, user: 'UBOT', bot_id: 'BBOT' } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text ?? '' };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${1_700_000_000 + ++seq}.000200` };
      case 'conversations.open': {
        const user = typeof args.users === 'string' ? args.users.split(',')[0] : undefined;
        return { ok: true, channel: { id: user ? `D${user}` : 'D0NONE' } };
      }
      case 'files.info': {
        const id = typeof args.file === 'string' ? args.file : '';
        const file = files.get(id);
        if (!file) return { ok: false, error: 'file_not_found' };
        const url = `${origin}/files-pri/T0TEAM-${id}/${encodeURIComponent(file.name)}`;
        return { ok: true, file: { id, name: file.name, title: file.name, mimetype: 'text/csv', filetype: 'csv', size: file.content.length, url_private: url, url_private_download: `${url}?download=1` } };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${++seq}`;
        return { ok: true, upload_url: `${origin}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed = (typeof args.files === 'string' ? (JSON.parse(args.files) as unknown) : args.files) as { id?: string }[] | undefined;
        return { ok: true, files: (listed ?? []).map((f) => ({ id: f.id })) };
      }
      case 'users.info':
        return { ok: false, error: 'user_not_found' };
      case 'users.lookupByEmail':
        return { ok: false, error: 'users_not_found' };
      default:
        return { ok: true };
    }
  }

  function handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = path.startsWith('/response/') ? 'response_url' : path.startsWith('/files-pri/') ? 'file_download' : path.startsWith('/upload/') ? 'file_upload' : path.replace(/^\/+(api\/)?/, '');
    counts[method] = (counts[method] ?? 0) + 1;
    if (method === 'file_download') {
      const file = files.get(/^\/files-pri\/T0TEAM-(F\d+)\//.exec(path)?.[1] ?? '');
      const authorized = (req.headers.authorization ?? '').startsWith('Bearer xoxb-');
      if (!file || !authorized) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return void res.end('file not found');
      }
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': file.content.length });
      return void res.end(file.content);
    }
    if (method === 'file_upload') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`OK - ${Buffer.byteLength(raw)}`);
    }
    const body = method === 'response_url' ? { ok: true } : answer(method, parseArgs(req, raw));
    if (body.ok === false) refusals++;
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    stats: () => ({ counts: { ...counts }, refusals }),
    reset: () => {
      counts = {};
      refusals = 0;
    },
    lastOpenedView: () => lastView,
    watched: () => watched,
    addFile: (name, content) => {
      const id = `F${++seq}`;
      files.set(id, { name, content: Buffer.from(content) });
      return id;
    },
    takeModalDelays: () => {
      const taken = modalDelays;
      modalDelays = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
