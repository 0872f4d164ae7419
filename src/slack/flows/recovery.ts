import type { WebClient } from '@slack/web-api';
import { isInvalidInput } from '../../domain/errors.js';
import type { RecoveryKind } from '../../domain/request-state.js';
import { askRecovery } from '../../services/recovery-request.js';
import { unlockAccount } from '../../services/unlock-account.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';
import type { UserReference } from '../commands/parse.js';
import { actorFor, APOLOGY_TEXT, type SlackDeps } from '../context.js';
import { usernameOfSlackMember } from '../member-username.js';
import { confirmAndAnnounce } from './submitted.js';

type Tell = (text: string) => Promise<unknown>;

/**
 * Recovery from Slack (the command and the user card's buttons): a reset of a user's sign-in, or the
 * welcome sent again, asked for and answered only to the person. Stored for approval (the requester's
 * confirmation DM and the approval message follow, as for any request), or, under
 * RESET_NEEDS_APPROVAL=false and asked by an approver, carried out at once. A refusal says why;
 * nothing was changed then.
 */
export async function recoveryFromSlack(deps: SlackDeps, client: WebClient, userId: string, kind: RecoveryKind, ref: UserReference, tell: Tell): Promise<void> {
  const found = 'username' in ref ? { username: ref.username } : await usernameOfSlackMember(deps, client, ref.slackUserId, kind === 'reset_sign_in' ? 'reset' : 'resend');
  if ('problem' in found) return void (await tell(found.problem));
  const asker = { canRequest: deps.access.canRequest(userId), isApprover: deps.access.isApprover(userId) };
  let result;
  try {
    result = await askRecovery(deps.services, actorFor(deps, userId), asker, { kind, username: found.username }, { needsApproval: deps.approvals.resetNeedsApproval, accountUrl: deps.accountUrl });
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    deps.logger.info({ userId, kind, codes: err.issues.map((i) => i.code) }, 'refused a recovery request');
    // The messages repeat what was typed ("There is no user <!channel>"): escaped for mrkdwn.
    return void (await tell(`${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Nothing was changed.`));
  }
  const who = escapeMrkdwn(found.username);
  if (result.outcome === 'completed') {
    const done = kind === 'reset_sign_in' ? `The sign-in of ${who} is reset: a new one-time password is on its way to them.` : `The welcome is on its way to ${who} again.`;
    return void (await tell(`:white_check_mark: ${done} The bot will tell you in a DM once it is sent.`));
  }
  const asked = kind === 'reset_sign_in' ? `a sign-in reset for ${who}` : `the welcome to be sent again to ${who}`;
  await tell(`:inbox_tray: You asked for ${asked}. An approver decides; you will get a message when it is done.`);
  await confirmAndAnnounce(deps, client, userId, result.submitted);
}

/** Unlock: an approver ends a lockout at once (services/unlock-account.ts, audited there); the password stays. */
export async function unlockFromSlack(deps: SlackDeps, client: WebClient, userId: string, ref: UserReference, tell: Tell): Promise<void> {
  const found = 'username' in ref ? { username: ref.username } : await usernameOfSlackMember(deps, client, ref.slackUserId, 'unlock');
  if ('problem' in found) return void (await tell(found.problem));
  try {
    const result = await unlockAccount(deps.services, deps.access, actorFor(deps, userId), { username: found.username });
    const who = escapeMrkdwn(result.username);
    await tell(
      result.wasLocked
        ? `:unlock: ${who} is unlocked: they can sign in again now with the password they have. Their password was not changed.`
        : `${who} was not locked; the count of failed sign-ins is back to zero. Their password was not changed.`,
    );
  } catch (err) {
    if (isInvalidInput(err)) return void (await tell(`${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Nothing was changed.`));
    deps.logger.error({ err }, 'unlock failed');
    await tell(APOLOGY_TEXT);
  }
}
