import type { ServerResponse } from 'node:http';
import { CSS_HASH } from './account-pages.js';

/**
 * The headers every answer of the sign-in door carries, and the two ways it answers (HTML, JSON).
 * The content security policy allows the pages' one style block by its hash and nothing else.
 */

/** A year: browsers then keep to https for this host even when someone types http://. */
export const HSTS = 'max-age=31536000';

const SECURITY_HEADERS = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${CSS_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

export function sendHtml(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra });
  res.end(html);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...extra });
  res.end(JSON.stringify(body));
}
