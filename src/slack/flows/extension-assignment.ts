import type { WebClient } from '@slack/web-api';
import { isInvalidInput } from '../../domain/errors.js';
import { reassignmentTarget, unassignmentTarget } from '../../services/extension-assignment.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';
import type { UserReference } from '../commands/parse.js';
import type { SlackDeps } from '../context.js';
import { usernameOfSlackMember } from '../member-username.js';
import { reassignExtensionModal, unassignExtensionModal } from '../views/extension-assignment-modal.js';
import { openModal, type Trigger } from './modal-trigger.js';

export type AssignmentAsk = { kind: 'reassign'; number: number; recipient: UserReference } | { kind: 'unassign'; number: number } | { kind: 'unassign'; username: string };

/**
 * Opens the reassignment or unassignment confirmation (from the command or the user card's button).
 * What cannot be done (no such extension, a recipient who is not an active agent or holds one already,
 * the extension already theirs, a change already open) is told at once, only to the person, and nothing
 * is opened or stored. TriggerTooOld and other errors go to the caller, which says "busy" or apologises.
 */
export async function openExtensionAssignment(deps: SlackDeps, client: WebClient, trigger: Trigger, ask: AssignmentAsk, tell: (text: string) => Promise<unknown>): Promise<void> {
  try {
    if (ask.kind === 'reassign') {
      const found = 'username' in ask.recipient ? { username: ask.recipient.username } : await usernameOfSlackMember(deps, client, ask.recipient.slackUserId, 'extension reassign');
      if ('problem' in found) return void (await tell(found.problem));
      await openModal(client, trigger, reassignExtensionModal(await reassignmentTarget(deps.services, { number: ask.number, recipientUsername: found.username })));
    } else {
      await openModal(client, trigger, unassignExtensionModal(await unassignmentTarget(deps.services, 'number' in ask ? { number: ask.number } : { username: ask.username })));
    }
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    // The messages repeat what was typed ("There is no user <!channel>"): escaped for mrkdwn.
    await tell(`${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Nothing was changed.`);
  }
}
