import type { RequestRow } from '../db/repositories/requests.js';
import { typedExtensionNumber } from '../domain/extension-number.js';
import { escapeMrkdwn as escape, userMention as mention } from '../text/mrkdwn.js';
import { isLifecycleKind, lifecycleSubject } from './lifecycle-payload.js';
import { extensionRequestPayload, userRequestPayload } from './request-payload.js';

/**
 * What the requester is told when their request is decided, in Slack mrkdwn. Typed text (names, the
 * reason) is escaped so that a name like `<!channel>` cannot ping anyone; the approver is mentioned.
 */
export const REQUESTER_TOPICS = {
  completed: 'request_completed',
  failed: 'request_failed',
  rejected: 'request_rejected',
  expired: 'request_expired',
} as const;

/** "Jane Doe (jdoe)", "a clone of asmith: Jane Doe (jdoe)", "extension 1500 (Jane's softphone)". */
export function requestSubject(request: Pick<RequestRow, 'kind' | 'payload'>): string {
  if (isLifecycleKind(request.kind)) return lifecycleSubject(request);
  if (request.kind === 'create_extension') {
    const parsed = extensionRequestPayload.safeParse(request.payload);
    if (!parsed.success) return 'a new extension';
    const typed = typedExtensionNumber(parsed.data.extensionNumber);
    const number = typed === '' ? 'a new extension' : `extension ${String(parsed.data.extensionNumber)}`;
    return `${number} (${escape(parsed.data.deviceName)})`;
  }
  const parsed = userRequestPayload.safeParse(request.payload);
  if (!parsed.success) return 'a new user';
  const p = parsed.data;
  const who = `${escape(p.firstName)} ${escape(p.lastName)} (${escape(p.username)})`;
  return request.kind === 'clone_user' && p.sourceUsername ? `${who}, cloned from ${escape(p.sourceUsername)}` : who;
}

export function completedUserText(request: RequestRow, approverId: string, facts: { signInName: string; agentId: number | null; extensionNumber: number | null; hasEmail: boolean }): string {
  const extras = [facts.extensionNumber === null ? null : `extension ${facts.extensionNumber}`, facts.agentId === null ? null : `agent ID ${facts.agentId}`].filter(Boolean);
  const delivery = facts.hasEmail
    ? 'The new user gets an email, and a Slack DM where possible, with how to sign in.'
    : 'No email address is on file for the new user, so the bot cannot reach them: tell them their sign-in name.';
  return [
    `:white_check_mark: Your request for ${requestSubject(request)} was approved by ${mention(approverId)}.`,
    `The account is ready: sign-in name \`${facts.signInName}\`${extras.length > 0 ? `, ${extras.join(', ')}` : ''}.`,
    delivery,
  ].join('\n');
}

export function completedExtensionText(request: RequestRow, approverId: string, extension: { number: number; deviceName: string }): string {
  return `:white_check_mark: Your request for ${requestSubject(request)} was approved by ${mention(approverId)}. Extension ${extension.number} (${escape(extension.deviceName)}) is ready.`;
}

export function failedText(request: RequestRow, approverId: string, reason: string): string {
  return [
    `:warning: Your request for ${requestSubject(request)} was approved by ${mention(approverId)} but could not be carried out: ${escape(reason)}`,
    'Nothing was created. Submit a new request once this is sorted out.',
  ].join('\n');
}

export function rejectedText(request: RequestRow, approverId: string, reason: string): string {
  return `:x: Your request for ${requestSubject(request)} was rejected by ${mention(approverId)}: ${escape(reason)}`;
}

export function expiredText(request: RequestRow, expireAfterHours: number): string {
  return `:hourglass: Your request for ${requestSubject(request)} expired: no approver decided on it within ${expireAfterHours} hours. Submit it again if it is still needed.`;
}
