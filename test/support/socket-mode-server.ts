import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The kinds of envelope Slack sends over a Socket Mode connection. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** An ack the app sent back over the socket: `{ envelope_id, payload }`. */
export interface EnvelopeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface DeliverOptions {
  /** Slack redelivering an event: `retry_attempt` and `retry_reason` on the envelope. */
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack; Slack gives up after 3 s. */
  timeoutMs?: number;
}

export type SocketModeServer = Awaited<ReturnType<typeof startSocketModeServer>>;

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One server-to-client frame (servers never mask, RFC 6455 §5.1). */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

interface ParsedFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took from the buffer. */
  size: number;
}

/** Reads one client frame from the start of `buffer` (clients always mask), or undefined when incomplete. */
function parseFrame(buffer: Buffer): ParsedFrame | undefined {
  if (buffer.length < 2) return undefined;
  const fin = (buffer[0]! & 0x80) !== 0;
  const opcode = buffer[0]! & 0x0f;
  const masked = (buffer[1]! & 0x80) !== 0;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return undefined;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskAt + (i % 4)]!;
  return { fin, opcode, payload, size: offset + length };
}

/** One app connected over the socket. */
class Connection {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  open = true;
  /** Gone silent: nothing read is answered (no pong, no close), nothing is sent. */
  deaf = false;

  constructor(
    readonly socket: Socket,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => (this.open = false));
    socket.on('error', () => (this.open = false));
  }

  sendText(text: string): void {
    if (this.open && !this.deaf) this.socket.write(frame(OPCODE.text, Buffer.from(text, 'utf8')));
  }

  close(code = 1000): void {
    if (!this.open) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.socket.write(frame(OPCODE.close, payload));
  }

  private receive(chunk: Buffer): void {
    if (this.deaf) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let parsed = parseFrame(this.buffer); parsed; parsed = parseFrame(this.buffer)) {
      this.buffer = this.buffer.subarray(parsed.size);
      this.handle(parsed);
    }
  }

  private handle({ fin, opcode, payload }: ParsedFrame): void {
    if (opcode === OPCODE.ping) {
      this.socket.write(frame(OPCODE.pong, payload));
    } else if (opcode === OPCODE.close) {
      // Echo the close, then end the TCP connection as a server does.
      if (this.open) this.socket.write(frame(OPCODE.close, payload.subarray(0, 2)));
      this.open = false;
      this.socket.end();
    } else if (opcode === OPCODE.text || opcode === OPCODE.continuation) {
      this.fragments.push(payload);
      if (fin) {
        const text = Buffer.concat(this.fragments).toString('utf8');
        this.fragments = [];
        this.onText(text);
      }
    }
  }
}

/**
 * A stand-in for Slack's Socket Mode endpoint (wss://wss-primary.slack.com/link): the app reaches it
 * through the URL the Web API double answers apps.connections.open with (`slack.useSocketMode(url)`).
 * It speaks the WebSocket protocol itself (RFC 6455: handshake, masked client frames, ping/pong,
 * close), says `hello` on connect as Slack does, and delivers envelopes the way Slack does, waiting
 * for the app's `{ envelope_id, payload }` ack.
 */
export async function startSocketModeServer() {
  const connections: Connection[] = [];
  const acks: EnvelopeAck[] = [];
  const pending = new Map<string, (ack: EnvelopeAck) => void>();
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('Socket Mode speaks WebSocket only');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
    const connection = new Connection(socket, (text) => {
      let ack: EnvelopeAck;
      try {
        ack = JSON.parse(text) as EnvelopeAck;
      } catch {
        return;
      }
      acks.push(ack);
      pending.get(ack.envelope_id)?.(ack);
      pending.delete(ack.envelope_id);
      notify();
    });
    connections.push(connection);
    socket.on('close', notify);
    connection.sendText(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'applink-test', build_number: 1, approximate_connection_time: 18_060 }, connection_info: { app_id: 'A0APP' } }));
    notify();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const live = () => connections.filter((c) => c.open);

  function waitUntil(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ok()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  }

  return {
    /** What apps.connections.open answers with. */
    url: `ws://127.0.0.1:${port}/link/?ticket=test-ticket&app_id=A0APP`,
    acks,
    /** Connections ever opened (a reconnect adds one). */
    get connectionCount() {
      return connections.length;
    },
    /** Resolves once the app holds an open connection. */
    waitForConnection(timeoutMs = 10_000): Promise<void> {
      return waitUntil(() => live().length > 0, timeoutMs, 'the app to connect over Socket Mode');
    },
    /**
     * Sends one envelope to the app's newest open connection and resolves with its ack, as Slack
     * does; rejects when no ack comes within `timeoutMs` (Slack's 3 s).
     */
    deliver(type: EnvelopeType, payload: Record<string, unknown>, options: DeliverOptions = {}): Promise<EnvelopeAck> {
      const connection = live().at(-1);
      if (!connection) return Promise.reject(new Error('No app is connected over Socket Mode'));
      const envelopeId = randomUUID();
      const timeoutMs = options.timeoutMs ?? 3000;
      return new Promise<EnvelopeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          reject(new Error(`The app did not acknowledge ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        connection.sendText(
          JSON.stringify({
            envelope_id: envelopeId,
            payload,
            type,
            accepts_response_payload: type !== 'events_api',
            ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' } : {}),
          }),
        );
      });
    },
    /** Slack's `disconnect` message (e.g. `refresh_requested`): the app should reconnect. */
    requestDisconnect(reason = 'refresh_requested'): void {
      for (const c of live()) c.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-test' } }));
    },
    /**
     * Goes silent as a lost network does: connections stay open but nothing is answered (no pong, no
     * close frame), and new connections are refused. `kill` afterwards to clean up.
     */
    vanish(): void {
      for (const c of connections) c.deaf = true;
      server.close();
    },
    /** Goes at once: no close frame, every TCP connection destroyed. */
    kill(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
    /** Closes each connection with a close frame, then stops listening. */
    close(): Promise<void> {
      for (const c of live()) c.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A peer that does not answer the close handshake is cut off.
      const cutOff = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 1000);
      return closed.finally(() => clearTimeout(cutOff));
    },
  };
}
