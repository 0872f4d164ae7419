import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The address a sign-in attempt is counted under (the per-address limit).
 *
 * By default the socket's remote address, and X-Forwarded-For is ignored: anyone can send that header,
 * and trusting it would let one client pose as a thousand. Behind reverse proxies the operator says how
 * many (TRUST_PROXY = hops); each trusted proxy appends the address it saw, so the client is the entry
 * that many places from the right. Entries further left were written by the client and are never used.
 */
export function clientAddress(req: IncomingMessage, trustProxyHops: number): string | undefined {
  const socketAddress = req.socket.remoteAddress;
  if (trustProxyHops <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return socketAddress;
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  // Fewer entries than proxies: the chain is shorter than configured; the first one is what the outermost saw.
  const chosen = entries[Math.max(0, entries.length - trustProxyHops)];
  return chosen !== undefined && isIP(chosen) !== 0 ? chosen : socketAddress;
}
