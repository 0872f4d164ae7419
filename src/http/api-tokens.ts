import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * SIGN_IN_API_TOKENS: when set, /api/v1/* answers only callers that send `Authorization: Bearer <one of
 * them>`. Tokens are compared as SHA-256 digests with timingSafeEqual, so neither a token's length nor
 * how much of it matched shows in the time taken; every configured token is compared, always.
 */
export function apiTokenCheck(tokens: readonly string[]): (req: IncomingMessage) => boolean {
  if (tokens.length === 0) return () => true;
  const digests = tokens.map(digest);
  return (req) => {
    const presented = bearer(req.headers.authorization);
    if (presented === undefined) return false;
    const given = digest(presented);
    let matched = false;
    for (const d of digests) matched = timingSafeEqual(d, given) || matched;
    return matched;
  };
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header ?? '');
  return match?.[1];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
