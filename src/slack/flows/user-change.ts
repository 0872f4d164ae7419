import type { WebClient } from '@slack/web-api';
import { isInvalidInput } from '../../domain/errors.js';
import { offboardingTarget } from '../../services/offboarding.js';
import { reactivationTarget } from '../../services/reactivation.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';
import type { UserReference } from '../commands/parse.js';
import type { SlackDeps } from '../context.js';
import { usernameOfSlackMember } from '../member-username.js';
import { deactivateModal } from '../views/deactivate-modal.js';
import { reactivateModal } from '../views/reactivate-modal.js';
import { openModal, type Trigger } from './modal-trigger.js';

/**
 * Opens the offboarding or reactivation modal for a user named by username or Slack mention (from
 * the command or the user card's buttons). A user who cannot be changed (nobody, already deactivated,
 * active, a change already open) is told so at once, only to the person, and nothing is opened or
 * stored. TriggerTooOld and other errors go to the caller, which says "busy" or apologises.
 */
export async function openUserChange(deps: SlackDeps, client: WebClient, trigger: Trigger, kind: 'deactivate' | 'reactivate', ref: UserReference, tell: (text: string) => Promise<unknown>): Promise<void> {
  const found = 'username' in ref ? { username: ref.username } : await usernameOfSlackMember(deps, client, ref.slackUserId, kind);
  if ('problem' in found) return void (await tell(found.problem));
  try {
    if (kind === 'deactivate') {
      await openModal(client, trigger, deactivateModal({ target: await offboardingTarget(deps.services, found.username) }));
    } else {
      await openModal(client, trigger, reactivateModal({ target: await reactivationTarget(deps.services, found.username), passwordPolicy: deps.services.settings.passwordPolicy }));
    }
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    // The messages repeat what was typed ("There is no user <!channel>"): escaped for mrkdwn.
    await tell(`${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Nothing was changed.`);
  }
}

