import type { WebClient } from '@slack/web-api';
import { usernameForEmail } from '../services/find-user.js';
import type { SlackDeps } from './context.js';
import { COMMAND } from './ids.js';
import { escapeMrkdwn } from '../text/mrkdwn.js';

export type MemberLookup = { username: string } | { problem: string };

/** The subcommands that take `<username | @person>`, and how the advice to use a username begins. */
const VERBS = { clone: 'Clone', edit: 'Edit', show: 'Show the user', history: 'Ask', deactivate: 'Offboard', reactivate: 'Reactivate', 'extension reassign': 'Name the recipient', reset: 'Reset', resend: 'Resend the welcome', unlock: 'Unlock' } as const;
export type MemberSubcommand = keyof typeof VERBS;

/**
 * A Slack member → their directory username, matched by the email on their Slack profile (for
 * `/provision clone @someone`, `show @someone`, `history @someone`). Each way this can fail is told as
 * what it is: Slack refusing or failing users.info (logged with its error code) is not the same as a
 * person with no directory user. `subcommand` names the command in the advice.
 */
export async function usernameOfSlackMember(deps: SlackDeps, client: WebClient, slackUserId: string, subcommand: MemberSubcommand): Promise<MemberLookup> {
  const byUsername = `${COMMAND} ${subcommand} &lt;username&gt;`;
  const verb = VERBS[subcommand];
  let email: string | undefined;
  try {
    const info = await client.users.info({ user: slackUserId });
    email = info.user?.profile?.email;
  } catch (err) {
    const code = slackErrorCode(err);
    deps.logger.warn({ slackUserId, slackError: code }, `users.info failed for /provision ${subcommand} @someone`);
    if (code === 'user_not_found') return { problem: `Slack does not know the person you mentioned (users.info answered user_not_found). ${verb} by username instead: ${byUsername}.` };
    return { problem: `I could not ask Slack who the person you mentioned is: users.info failed (${escapeMrkdwn(code)}). Nothing was changed. Try again in a moment, or ${verb.toLowerCase()} by username: ${byUsername}.` };
  }
  if (!email) {
    deps.logger.warn({ slackUserId }, `users.info gave no email for /provision ${subcommand} @someone (no email on the profile, or no users:read.email scope)`);
    return { problem: `Slack did not give me the email of the person you mentioned, so I cannot match them to a directory user. ${verb} by username instead: ${byUsername}.` };
  }
  const username = await usernameForEmail(deps.services, email);
  return username ? { username } : { problem: `That person has no user in the directory (no user has their Slack email). Try ${COMMAND} find &lt;name&gt;.` };
}

/** The error code of a failed Web API call: Slack's own (`data.error`), else the client's (`code`). */
export function slackErrorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const data = (err as { data?: { error?: unknown } }).data;
    if (data && typeof data.error === 'string') return data.error;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return 'unknown error';
}
