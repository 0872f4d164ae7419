import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { extensionFormData } from '../../../services/form-data.js';
import { usernameForEmail } from '../../../services/find-user.js';
import { searchUsers } from '../../../services/search-users.js';
import { parseProvisionCommand, type ParsedCommand } from '../../commands/parse.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { openUserForm } from '../../flows/user-form.js';
import { COMMAND } from '../../ids.js';
import { extensionModal } from '../../views/extension-modal.js';
import { FIND_PAGE_SIZE, findResultsMessage } from '../../views/find-results.js';
import { escapeMrkdwn } from '../../views/escape.js';
import { helpMessage } from '../../views/help.js';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** What to say about a command that cannot run as typed, or undefined when it can. */
function problemWith(parsed: ParsedCommand): string | undefined {
  switch (parsed.kind) {
    case 'unknown':
      return `${COMMAND} ${parsed.word} is not a command I know.`;
    case 'missing_argument':
      return parsed.subcommand === 'clone'
        ? `Say whom to clone: ${COMMAND} clone jdoe, or ${COMMAND} clone @Jane Doe.`
        : `Say what to look for: ${COMMAND} find jane.`;
    default:
      return undefined;
  }
}

/**
 * `/provision`. Answers that need no lookup come back in the acknowledgement itself; a modal is
 * opened only after `ack()`, so Slack's 3-second limit is never at risk. Everything said here is
 * ephemeral: only the person who typed the command sees it.
 */
export const provisionCommand =
  (deps: SlackDeps) =>
  async ({ command, ack, client, respond }: Args): Promise<void> => {
    const parsed = parseProvisionCommand(command.text);
    if (parsed.kind === 'help') return ack({ response_type: 'ephemeral', ...helpMessage() });
    const problem = problemWith(parsed);
    if (problem) return ack({ response_type: 'ephemeral', ...helpMessage(problem) });
    if (!deps.access.canRequest(command.user_id)) return ack({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT });

    if (parsed.kind === 'find') {
      const query = { text: parsed.text, kind: 'all' as const, page: 1 };
      const result = await searchUsers(deps.services, { text: parsed.text.slice(0, 200), pageSize: FIND_PAGE_SIZE });
      return ack({ response_type: 'ephemeral', ...findResultsMessage({ query, rows: result.rows, hasMore: result.hasMore, pageSize: FIND_PAGE_SIZE }) });
    }

    await ack();
    try {
      switch (parsed.kind) {
        case 'user':
        case 'agent':
          await openUserForm(deps, client, command.trigger_id, command.user_id, parsed.kind);
          return;
        case 'extension':
          await client.views.open({ trigger_id: command.trigger_id, view: extensionModal({ purpose: 'standalone', choices: await extensionFormData(deps.services) }) });
          return;
        case 'clone': {
          const username = 'username' in parsed.source ? parsed.source.username : await usernameOfSlackMember(deps, client, parsed.source.slackUserId);
          if (!username) {
            await respond({ response_type: 'ephemeral', text: `That person has no user in the directory (no user has their Slack email). Try ${COMMAND} find &lt;name&gt;.` });
            return;
          }
          await openUserForm(deps, client, command.trigger_id, command.user_id, 'clone', { sourceUsername: username });
          return;
        }
      }
    } catch (err) {
      if (isInvalidInput(err)) {
        // The messages repeat what was typed ("There is no user <!channel> to clone"): escaped for mrkdwn.
        await respond({ response_type: 'ephemeral', text: `${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Try ${COMMAND} find &lt;name&gt;.` });
        return;
      }
      deps.logger.error({ err, subcommand: parsed.kind }, '/provision failed after ack');
      await respond({ response_type: 'ephemeral', text: APOLOGY_TEXT });
    }
  };

/** A Slack member → their directory username, matched by the email on their Slack profile. */
async function usernameOfSlackMember(deps: SlackDeps, client: Args['client'], slackUserId: string): Promise<string | undefined> {
  const info = await client.users.info({ user: slackUserId }).catch(() => undefined);
  const email = info?.user?.profile?.email;
  return email ? usernameForEmail(deps.services, email) : undefined;
}
