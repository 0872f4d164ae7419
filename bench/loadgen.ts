import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { startBenchSlackDouble, type BenchSlackDouble } from './slack-double.js';
import { fillTemplate, isConstant, signedHeaders, APPROVALS_CHANNEL, type BodyTemplate } from './slack-payloads.js';

/**
 * The load generator, in its own process so that autocannon and the Slack double never share an
 * event loop (or a core's time slice accounting) with the bot being measured. The orchestrator
 * (bench/run.ts) talks to it over IPC: run a load, read or reset the double's counters.
 */
export interface RunSpec {
  /** The bot's origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  connections: number;
  /** Either a duration or a fixed number of requests. */
  durationSec?: number;
  amount?: number;
  template: BodyTemplate;
  timeoutSec?: number;
  /**
   * Open loop: this many requests per second, evenly spaced, whatever the latency (autocannon's own
   * rate limit sends each connection's quota in a burst at the start of every second). Sent with
   * node:http over a keep-alive agent of `connections` sockets.
   */
  overallRate?: number;
  /** A 2xx response whose body lacks this text is counted as `unexpected` (e.g. a submission answered with errors). */
  expectInBody?: string;
  /** 2xx responses whose body holds this text are counted as `matched` (e.g. a command answered "busy"). */
  countInBody?: string;
}

export interface RunResult {
  sent: number;
  ok: number;
  non2xx: Record<string, number>;
  errors: number;
  timeouts: number;
  elapsedMs: number;
  /** Completed 2xx responses per second over the run. */
  rps: number;
  /** 2xx latencies in ms (float resolution, not autocannon's 1 ms histogram). */
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** 2xx responses whose body did not hold `expectInBody`. */
  unexpected: number;
  /** 2xx responses whose body held `countInBody`. */
  matched: number;
  /** The first 2xx body, and the first unexpected or non-2xx one, for diagnosis. */
  sampleBody?: string;
  sampleProblem?: string;
}

export type LoadgenRequest =
  | { id: number; op: 'run'; spec: RunSpec }
  | { id: number; op: 'addFile'; name: string; content: string }
  | { id: number; op: 'stats' | 'reset' | 'lastView' | 'watched' | 'modalDelays' | 'stop' };

export type LoadgenMessage = { op: 'ready'; slackUrl: string } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function summarize(latencies: number[], counts: { sent: number; non2xx: Record<string, number>; errors: number; timeouts: number; elapsedMs: number; unexpected: number; matched: number; sampleBody?: string; sampleProblem?: string }): RunResult {
  latencies.sort((a, b) => a - b);
  const ok = latencies.length;
  return {
    ...counts,
    ok,
    rps: ok / (counts.elapsedMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: ok ? latencies.reduce((a, b) => a + b, 0) / ok : Number.NaN,
    max: latencies.at(-1) ?? Number.NaN,
  };
}

/** Evenly spaced requests (open loop), for latency below saturation. */
async function runPaced(spec: RunSpec & { overallRate: number }): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const target = new URL('/slack/events', spec.origin);
  const total = Math.round(spec.overallRate * (spec.durationSec ?? 5));
  const latencies: number[] = [];
  const non2xx: Record<string, number> = {};
  let errors = 0;
  let unexpected = 0;
  let matched = 0;
  let sampleBody: string | undefined;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const body = fillTemplate(spec.template, i);
      const t = performance.now();
      const req = request(target, { method: 'POST', agent, headers: { ...signedHeaders(body), 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const took = performance.now() - t;
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) {
            latencies.push(took);
            sampleBody ??= text.slice(0, 400);
            if (spec.expectInBody !== undefined && !text.includes(spec.expectInBody)) unexpected++;
            if (spec.countInBody !== undefined && text.includes(spec.countInBody)) matched++;
          } else non2xx[status] = (non2xx[status] ?? 0) + 1;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / spec.overallRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(one(i));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarize(latencies, { sent: total, non2xx, errors, timeouts: 0, elapsedMs: performance.now() - started, unexpected, matched, ...(sampleBody === undefined ? {} : { sampleBody }) });
}

function runLoad(spec: RunSpec): Promise<RunResult> {
  if (spec.overallRate) return runPaced({ ...spec, overallRate: spec.overallRate });
  const constant = isConstant(spec.template);
  const body0 = constant ? fillTemplate(spec.template, 0) : undefined;
  let next = 0;
  const latencies: number[] = [];
  const non2xx: Record<string, number> = {};
  let sampleBody: string | undefined;
  let sampleProblem: string | undefined;
  let unexpected = 0;
  let matched = 0;
  const onResponse = (status: number, body: string) => {
    if (status >= 200 && status < 300 && spec.countInBody !== undefined && body.includes(spec.countInBody)) matched++;
    const good = status >= 200 && status < 300 && (spec.expectInBody === undefined || body.includes(spec.expectInBody));
    if (status >= 200 && status < 300) {
      sampleBody ??= body.slice(0, 400);
      if (!good) unexpected++;
    }
    if (!good) sampleProblem ??= `${status}: ${body.slice(0, 400)}`;
  };
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const options: autocannon.Options = {
      url: spec.origin,
      connections: spec.connections,
      timeout: spec.timeoutSec ?? 30,
      ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSec ?? 5 }),
      requests: [
        constant
          ? { method: 'POST', path: '/slack/events', body: body0!, headers: signedHeaders(body0!), onResponse }
          : {
              method: 'POST',
              path: '/slack/events',
              onResponse,
              setupRequest: (req) => {
                const body = fillTemplate(spec.template, next++);
                return { ...req, method: 'POST', path: '/slack/events', body, headers: signedHeaders(body) };
              },
            },
      ],
    };
    const instance = autocannon(options, (err, result) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve(
        summarize(latencies, {
          sent: result.requests.sent,
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          elapsedMs,
          unexpected,
          matched,
          ...(sampleBody === undefined ? {} : { sampleBody }),
          ...(sampleProblem === undefined ? {} : { sampleProblem }),
        }),
      );
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx[statusCode] = (non2xx[statusCode] ?? 0) + 1;
    });
  });
}

async function main(): Promise<void> {
  const double: BenchSlackDouble = await startBenchSlackDouble({ watchChannel: APPROVALS_CHANNEL });
  const send = (m: LoadgenMessage) => process.send?.(m);
  process.on('message', (raw: LoadgenRequest) => {
    const reply = (work: () => unknown) => {
      Promise.resolve()
        .then(work)
        .then(
          (value) => send({ id: raw.id, ok: true, value }),
          (err: unknown) => send({ id: raw.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        );
    };
    switch (raw.op) {
      case 'run':
        return reply(() => runLoad(raw.spec));
      case 'stats':
        return reply(() => double.stats());
      case 'reset':
        return reply(() => double.reset());
      case 'lastView':
        return reply(() => double.lastOpenedView() ?? null);
      case 'watched':
        return reply(() => double.watched());
      case 'modalDelays':
        return reply(() => double.takeModalDelays());
      case 'addFile':
        return reply(() => double.addFile(raw.name, raw.content));
      case 'stop':
        return reply(async () => {
          await double.close();
          setImmediate(() => process.exit(0));
        });
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ op: 'ready', slackUrl: double.url });
}

void main();
