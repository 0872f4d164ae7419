/**
 * What of an audit entry's details a history may show. The audit promises no secret in its details;
 * keys that look like one are left out anyway, whatever a writer put there.
 */
const HIDDEN_DETAIL = /password|hash|secret|token|credential/i;

export interface ShownAuditDetails {
  /** The request the change came from (details.requestId), if any. */
  requestId: string | null;
  /** Scalars as `key: value`; short lists joined; a change's `{ field: { from, to } }` as `field: old → new`. */
  details: [key: string, value: string][];
}

export function readAuditDetails(details: unknown): ShownAuditDetails {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return { requestId: null, details: [] };
  const record = details as Record<string, unknown>;
  const requestId = typeof record.requestId === 'string' ? record.requestId : null;
  const shown: [string, string][] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === 'requestId' || key === 'username' || HIDDEN_DETAIL.test(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') shown.push([key, String(value)]);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) shown.push([key, value.length > 5 ? `${value.length} items` : value.join(', ')]);
    else if (value && typeof value === 'object' && !Array.isArray(value)) shown.push(...nested(key, value as Record<string, unknown>));
  }
  return { requestId, details: shown };
}

const scalar = (v: unknown): v is string | number | boolean | null => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * One level of nesting, as a change's `{ field: { from, to } }` reads: `field: old → new`; other
 * scalar members as `key.member: value`. Deeper values are left out.
 */
function nested(key: string, value: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [member, v] of Object.entries(value)) {
    if (HIDDEN_DETAIL.test(member)) continue;
    if (v && typeof v === 'object' && 'from' in v && 'to' in v) {
      const { from, to } = v;
      if (scalar(from) && scalar(to)) out.push([member, `${String(from ?? '—')} → ${String(to ?? '—')}`]);
    } else if (scalar(v)) out.push([`${key}.${member}`, String(v ?? '—')]);
  }
  return out;
}
