import type { KnownBlock } from '@slack/types';
import { COMMAND } from '../ids.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';

const LINES: readonly [usage: string, what: string][] = [
  [`${COMMAND} user`, 'Request a new non-agent user'],
  [`${COMMAND} agent`, 'Request a new agent, with its extension'],
  [`${COMMAND} clone <username | @person>`, 'Request a new user with the settings and collections of an existing one'],
  [`${COMMAND} edit <username | @person>`, 'Request a change to an existing user (a move, another type, other collections)'],
  [`${COMMAND} extension`, 'Request a new extension (device)'],
  [`${COMMAND} extension reassign <number> <username | @person>`, 'Give an extension to another agent (who has none); its device secret is replaced'],
  [`${COMMAND} extension unassign <number>`, 'Take an extension from its holder; it becomes free with a new device secret'],
  [`${COMMAND} extension rotate <number>`, 'Approvers: request a new device secret for an extension; the old one stops working at approval'],
  [`${COMMAND} import`, 'Request a whole class of new hires from one CSV file, approved as one request'],
  [`${COMMAND} import template`, 'Show the CSV header and an example row for an import'],
  [`${COMMAND} find <text> [site:…] [dept:…] [status:active|deactivated|all] [type:agent|non-agent]`, 'Search users by name, username, email, site or department; deactivated users only with status:'],
  [`${COMMAND} export [text] [site:…] [dept:…] [status:…] [type:…]`, 'Get the users find would list, all of them, as a CSV file in your DM (no filter: every active user)'],
  [`${COMMAND} show <username | @person>`, 'Show one user: setup, collections, sign-in, and what you can do with them'],
  [`${COMMAND} history <username | @person>`, 'Show a user’s history, newest first'],
  [`${COMMAND} deactivate <username | @person>`, 'Offboard a user, now or at a date and time: sign-in refused, extension freed, history kept'],
  [`${COMMAND} reactivate <username>`, 'Make a deactivated user active again, with a new one-time password'],
  [`${COMMAND} reset <username | @person>`, 'Reset a user’s sign-in: unlocked, their password ended, a new one-time password sent by email and DM'],
  [`${COMMAND} resend <username | @person>`, 'Send the welcome email and DM again to a user who has not signed in yet (a new one-time password if theirs expired)'],
  [`${COMMAND} unlock <username | @person>`, 'Approvers: end a lockout at once; the password stays as it is'],
  [`${COMMAND} help`, 'Show this list'],
];

/**
 * The subcommand of each help line, as typed after the command (`extension rotate`, `import template`):
 * the usage's words before its first placeholder. The manifest's usage hint is checked against these
 * (test/unit/manifest.test.ts), so the hint Slack shows and this help cannot drift apart.
 */
export const HELP_SUBCOMMANDS: readonly string[] = LINES.map(([usage]) => {
  const words = usage.slice(COMMAND.length).trim().split(/\s+/);
  const end = words.findIndex((w) => w.startsWith('<') || w.startsWith('['));
  return words.slice(0, end === -1 ? undefined : end).join(' ');
});

/** The top-level subcommands, once each and in the help's order: the answer's plain text. */
const TOP_LEVEL = [...new Set(HELP_SUBCOMMANDS.map((s) => s.split(' ')[0]))].join(', ');

/** The help answer; `problem` (plain text, escaped here) says what was wrong with the command typed. */
export function helpMessage(problem?: string): { text: string; blocks: KnownBlock[] } {
  // Slack reads <…> as a link or mention even in code: the placeholders are escaped to show as typed.
  const list = LINES.map(([usage, what]) => `• \`${escapeMrkdwn(usage)}\` — ${what}`).join('\n');
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${escapeMrkdwn(problem)}` } });
  blocks.push(
    { type: 'section', text: { type: 'mrkdwn', text: `*What ${COMMAND} can do*\n${list}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Every request is approved by a contact-center admin before anything changes.' }] },
  );
  // The top-level text is mrkdwn as well, so the echoed problem is escaped there too.
  return { text: problem ? `${escapeMrkdwn(problem)} Try ${COMMAND} help.` : `${COMMAND} commands: ${TOP_LEVEL}`, blocks };
}
