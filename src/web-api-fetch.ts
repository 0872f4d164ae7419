import http from 'node:http';
import https from 'node:https';
import type { FetchFunction } from '@slack/web-api';

// The client's own view of fetch (web-api does not export these parts by name).
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];

/**
 * The Web API clients' transport (their `fetch` option). Node's own fetch cost about twice the CPU of
 * node:http per call (WHATWG Request and Headers conversions, web streams for a body of a few hundred
 * bytes), and a submission makes two calls right after its ack, on the thread the next request needs:
 * `--cpu-prof` showed the Web API calls as the largest part of a submission's main-thread time.
 * This sends what the client sends (a form-encoded string, POST) over keep-alive node:http(s) and
 * hands back the little of a Response the client reads. Anything else (a FormData upload, a redirect
 * to follow) goes to Node's fetch as before.
 */
export const webApiFetch: FetchFunction = (url, init) => {
  if (typeof init?.body !== 'string' || (init.redirect ?? 'follow') !== 'error') return globalThis.fetch(url, init);
  return post(new URL(url), init.body, init);
};

/** What every Web API client of the bot shares: this transport, and the API's address when one is configured (SLACK_API_URL). */
export function webApiEndpoint(slackApiUrl: string | undefined): { fetch: FetchFunction; slackApiUrl?: string } {
  return slackApiUrl ? { fetch: webApiFetch, slackApiUrl } : { fetch: webApiFetch };
}

function post(url: URL, body: string, init: FetchRequestInit): Promise<FetchResponse> {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      {
        method: init.method ?? 'POST',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
        // Node's global agents keep connections alive (and close idle ones after 5 s), as fetch did.
        agent: secure ? https.globalAgent : http.globalAgent,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // As fetch with redirect 'error': a redirect is a network error, never a response.
        if (status >= 300 && status < 400 && response.headers.location !== undefined) {
          response.resume();
          reject(new TypeError(`unexpected redirect from ${url.origin}${url.pathname}`));
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => resolve(new BufferedResponse(url.href, status, response.statusMessage ?? '', response.rawHeaders, Buffer.concat(chunks))));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/** Header names lower-cased, repeated ones joined with ", " (as fetch's Headers does). */
class RawHeaders implements FetchHeaders {
  private readonly values = new Map<string, string>();
  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const before = this.values.get(name);
      this.values.set(name, before === undefined ? raw[i + 1]! : `${before}, ${raw[i + 1]!}`);
    }
  }
  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }
  entries(): Iterable<[string, string]> {
    return this.values.entries();
  }
}

class BufferedResponse implements FetchResponse {
  readonly headers: RawHeaders;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    rawHeaders: readonly string[],
    private readonly body: Buffer,
  ) {
    this.headers = new RawHeaders(rawHeaders);
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  text(): Promise<string> {
    return Promise.resolve(this.body.toString('utf8'));
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const copy = new ArrayBuffer(this.body.byteLength);
    new Uint8Array(copy).set(this.body);
    return Promise.resolve(copy);
  }
}
