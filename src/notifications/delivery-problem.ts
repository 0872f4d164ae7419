/**
 * What went wrong with a delivery attempt, in a few words an approver can act on, for the approval
 * message. It reads the worker's `last_error` (written by senders.ts) but passes none of its free text
 * on: an SMTP reply or a Slack answer can quote a recipient's address or more, so only fixed words and
 * well-formed codes (an SMTP reply code, a Slack error code) come out.
 */
export function deliveryProblem(lastError: string | null): string | null {
  if (lastError === null || lastError.trim() === '') return null;
  const smtpReply = /^SMTP (\d{3})\b/.exec(lastError);
  if (smtpReply) return `SMTP refused (${smtpReply[1]})`;
  const smtpCode = /^SMTP (E[A-Z0-9]+)\b/.exec(lastError);
  if (smtpCode) {
    if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY'].includes(smtpCode[1]!)) return 'mail server unreachable';
    if (['EAUTH', 'ENOAUTH', 'EOAUTH2'].includes(smtpCode[1]!)) return 'SMTP sign-in refused';
    return 'mail could not be sent';
  }
  if (/^no Slack member/.test(lastError)) return 'no Slack member with that email';
  const slack = /^(chat\.postMessage|users\.lookupByEmail): (.*)$/s.exec(lastError);
  if (slack) {
    const detail = slack[2]!;
    if (/^rate limited/.test(detail)) return 'Slack rate limit';
    if (/^(HTTP|request failed)/.test(detail)) return 'Slack unreachable';
    if (/^[a-z_]{1,60}$/.test(detail)) return `Slack refused (${detail})`;
    return 'Slack refused';
  }
  if (/^gave up: the worker/.test(lastError)) return 'the sending instance stopped';
  if (/^malformed /.test(lastError)) return 'malformed notification';
  return 'delivery failed';
}
