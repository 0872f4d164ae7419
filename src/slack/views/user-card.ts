import type { ActionsBlock, Button, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import { cardActionEffect, type CardAction } from '../../domain/card-actions.js';
import type { UserCard } from '../../services/user-card.js';
import { ACTIONS } from '../ids.js';
import { clipText } from '../../text/clip.js';
import { deviceTypeLabel } from '../../text/device-type.js';
import { mrkdwnCode, mrkdwnLiteral, slackDate, userMention } from '../../text/mrkdwn.js';
import { mrkdwn } from './request-summary.js';

const USER_TYPE_LABELS: Readonly<Record<UserCard['userType'], string>> = { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin', non_agent: 'Non-agent' };
/** Collections listed by name on the card; the rest are counted ("and N more"). */
export const CARD_COLLECTIONS_SHOWN = 30;
const NAME_MAX = 100;

const BUTTONS: Readonly<Record<CardAction, { actionId: string; label: string }>> = {
  edit: { actionId: ACTIONS.editUser, label: 'Edit' },
  clone: { actionId: ACTIONS.cloneUser, label: 'Clone' },
  deactivate: { actionId: ACTIONS.deactivateUser, label: 'Deactivate' },
  reactivate: { actionId: ACTIONS.reactivateUser, label: 'Reactivate' },
  unassign_extension: { actionId: ACTIONS.unassignExtension, label: 'Unassign extension' },
  rotate_secret: { actionId: ACTIONS.rotateDeviceSecret, label: 'Rotate device secret' },
  history: { actionId: ACTIONS.userHistory, label: 'History' },
  reset_sign_in: { actionId: ACTIONS.resetSignIn, label: 'Reset sign-in' },
  resend_welcome: { actionId: ACTIONS.resendWelcome, label: 'Resend welcome' },
  unlock: { actionId: ACTIONS.unlockUser, label: 'Unlock' },
};

/** A reset ends the person's password: asked once more before it goes (Slack's own confirmation dialog). */
const RESET_CONFIRM = {
  title: { type: 'plain_text' as const, text: 'Reset sign-in?' },
  text: { type: 'plain_text' as const, text: 'Their current password stops working and a new one-time password is sent to them by email and DM.' },
  confirm: { type: 'plain_text' as const, text: 'Reset' },
  deny: { type: 'plain_text' as const, text: 'Cancel' },
};

/** How the viewer's Reset sign-in and Resend welcome go: `at_once` when theirs need no approval (domain/recovery.ts). */
export interface CardOptions {
  recovery?: 'needs_approval' | 'at_once';
}

/**
 * The user card, an ephemeral message: who the user is and how they are set up, and the buttons its
 * viewer may use (each carries the username), with a footnote saying which of them ask for approval and
 * which act at once. It shows only what `UserCard` holds, which has no password, hash or device secret.
 */
export function userCardMessage(card: UserCard, actions: readonly CardAction[], options: CardOptions = {}): { text: string; blocks: KnownBlock[] } {
  const name = `${card.firstName} ${card.lastName}`.trim() || card.username;
  const status = card.status === 'active' ? ':large_green_circle: Active' : `:no_entry_sign: *Deactivated*${card.deactivatedAt ? ` ${slackDate(card.deactivatedAt)}` : ''}${card.deactivatedBy ? ` by ${userMention(card.deactivatedBy, 40)}` : ''}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'card_title',
      text: mrkdwn(`*${mrkdwnLiteral(clipText(name, NAME_MAX))}* ${mrkdwnCode(card.username)}\n${status}${card.email ? ` · ${mrkdwnLiteral(clipText(card.email, 254))}` : ''}`),
    },
    fieldsSection('card_setup', [
      ['User type', USER_TYPE_LABELS[card.userType] ?? mrkdwnLiteral(card.userType)],
      ['Agent ID', card.agentId === null ? '— (non-agent)' : String(card.agentId)],
      ['Extension', card.extension ? `${card.extension.number} · ${mrkdwnLiteral(deviceTypeLabel(card.extension.deviceType))}` : '—'],
      ['Site', shown(card.siteName)],
      ['Department', shown(card.departmentName)],
      ['Billing unit', shown(card.billingUnitName)],
      ['Profile', shown(card.profileName)],
    ]),
    fieldsSection('card_account', [
      ['Created', `${slackDate(card.createdAt)} by ${userMention(card.createdBy, 40)}`],
      ['Last sign-in', card.lastSignInAt ? slackDate(card.lastSignInAt) : 'Never'],
      ['Sign-in', card.lockedUntil ? `:lock: Locked until ${slackDate(card.lockedUntil, '{time}')}` : 'Not locked'],
    ]),
    { type: 'section', block_id: 'card_collections', text: mrkdwn(collectionsText(card.collections)) },
  ];
  if (actions.length > 0) blocks.push(buttons(card.username, actions, card.extension?.number ?? null));
  const footnote = cardFootnote(actions, options.recovery === 'at_once');
  if (footnote) blocks.push({ type: 'context', block_id: 'card_footnote', elements: [mrkdwn(footnote)] });
  return { text: `${clipText(name, NAME_MAX)} (${card.username}): ${card.status}`, blocks };
}

/**
 * "Edit, Clone and Deactivate make requests: a contact-center admin approves each one. Unlock acts at
 * once.": the shown buttons by what they do (domain/card-actions.ts), so a new one is placed by that
 * list and not by this sentence. Undefined when no button changes anything (History alone).
 */
export function cardFootnote(actions: readonly CardAction[], recoveryAtOnce: boolean): string | undefined {
  const labelsOf = (effect: 'request' | 'at_once') => actions.filter((a) => cardActionEffect(a, recoveryAtOnce) === effect).map((a) => BUTTONS[a].label);
  const requests = labelsOf('request');
  const atOnce = labelsOf('at_once');
  const parts: string[] = [];
  if (requests.length > 0) parts.push(`${listed(requests)} ${requests.length === 1 ? 'makes a request' : 'make requests'}: a contact-center admin approves each one.`);
  if (atOnce.length > 0) parts.push(`${listed(atOnce)} ${atOnce.length === 1 ? 'acts' : 'act'} at once, with no approval.`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** "A", "A and B", "A, B and C". */
function listed(labels: readonly string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

function fieldsSection(blockId: string, fields: [label: string, value: string][]): SectionBlock {
  // At most 10 fields per section, each within 2000 characters (values are clipped where they are made).
  return { type: 'section', block_id: blockId, fields: fields.map(([label, value]): MrkdwnElement => mrkdwn(`*${label}*\n${value}`)) };
}

function collectionsText(collections: UserCard['collections']): string {
  if (collections.length === 0) return '*Collections (0)*\nNone';
  const shownOnes = collections.slice(0, CARD_COLLECTIONS_SHOWN).map((c) => `${mrkdwnLiteral(clipText(c.name, 60))}${c.retired ? ' (retired)' : ''}`);
  const more = collections.length - shownOnes.length;
  return `*Collections (${collections.length})*\n${shownOnes.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

/** Asked before the request is made: the old secret stops working at approval, and the phone must be set up again. */
function rotateConfirm(extensionNumber: number | null) {
  return {
    title: { type: 'plain_text' as const, text: 'Rotate device secret?' },
    text: { type: 'plain_text' as const, text: `This asks for a new device secret for extension ${extensionNumber ?? ''}. Once approved, the old one stops working at once and the phone must be set up again with the new one.` },
    confirm: { type: 'plain_text' as const, text: 'Ask for approval' },
    deny: { type: 'plain_text' as const, text: 'Cancel' },
  };
}

function buttons(username: string, actions: readonly CardAction[], extensionNumber: number | null): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'card_actions',
    elements: actions.map((a): Button => ({
      type: 'button',
      action_id: BUTTONS[a].actionId,
      text: { type: 'plain_text', text: BUTTONS[a].label },
      // Rotate names the extension (the card has one when it offers the button); the others the user.
      value: a === 'rotate_secret' && extensionNumber !== null ? String(extensionNumber) : username,
      ...(a === 'deactivate' ? { style: 'danger' as const } : {}),
      ...(a === 'rotate_secret' ? { confirm: rotateConfirm(extensionNumber) } : {}),
      ...(a === 'reset_sign_in' ? { confirm: RESET_CONFIRM } : {}),
    })),
  };
}

function shown(text: string | null): string {
  return text === null || text.trim() === '' ? '—' : mrkdwnLiteral(clipText(text, 200));
}
