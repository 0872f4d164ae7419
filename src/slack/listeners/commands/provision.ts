import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { extensionFormData } from '../../../services/form-data.js';
import { usernameForEmail } from '../../../services/find-user.js';
import { searchUsers } from '../../../services/search-users.js';
import { parseProvisionCommand, type ParsedCommand } from '../../commands/parse.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, openModal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { openUserChange } from '../../flows/user-change.js';
import { openUserForm } from '../../flows/user-form.js';
import { COMMAND } from '../../ids.js';
import { extensionModal } from '../../views/extension-modal.js';
import { FIND_PAGE_SIZE, findResultsMessage } from '../../views/find-results.js';
import { escapeMrkdwn } from '../../../text/mrkdwn.js';
import { helpMessage } from '../../views/help.js';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

const MISSING_ARGUMENT: Readonly<Record<'clone' | 'find' | 'deactivate' | 'reactivate', string>> = {
  clone: `Say whom to clone: ${COMMAND} clone jdoe, or ${COMMAND} clone @Jane Doe.`,
  find: `Say what to look for: ${COMMAND} find jane.`,
  deactivate: `Say whom to offboard: ${COMMAND} deactivate jdoe, or ${COMMAND} deactivate @Jane Doe.`,
  reactivate: `Say whom to reactivate: ${COMMAND} reactivate jdoe.`,
};

/** What to say about a command that cannot run as typed, or undefined when it can. */
function problemWith(parsed: ParsedCommand): string | undefined {
  switch (parsed.kind) {
    case 'unknown':
      return `${COMMAND} ${parsed.word} is not a command I know.`;
    case 'missing_argument':
      return MISSING_ARGUMENT[parsed.subcommand];
    default:
      return undefined;
  }
}

/**
 * `/provision`. Answers that need no lookup come back in the acknowledgement itself; a modal is
 * opened only after `ack()`, so Slack's 3-second limit is never at risk. A modal that cannot be opened
 * while its trigger lives (too many being prepared, or the reads took too long) is answered "busy",
 * never opened late. Everything said here is ephemeral: only the person who typed the command sees it.
 */
export const provisionCommand =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ command, ack, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(command.trigger_id);
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

    const release = gate.tryEnter();
    if (!release) {
      deps.logger.info({ subcommand: parsed.kind, inPreparation: gate.inPreparation }, '/provision answered busy: too many modals in preparation');
      return ack({ response_type: 'ephemeral', text: BUSY_TEXT });
    }
    await ack();
    try {
      switch (parsed.kind) {
        case 'user':
        case 'agent':
          await openUserForm(deps, client, trigger, command.user_id, parsed.kind);
          return;
        case 'extension':
          await openModal(client, trigger, extensionModal({ purpose: 'standalone', choices: await extensionFormData(deps.services) }));
          return;
        case 'clone': {
          const found = 'username' in parsed.source ? { username: parsed.source.username } : await usernameOfSlackMember(deps, client, parsed.source.slackUserId);
          if ('problem' in found) {
            await respond({ response_type: 'ephemeral', text: found.problem });
            return;
          }
          await openUserForm(deps, client, trigger, command.user_id, 'clone', { sourceUsername: found.username });
          return;
        }
        case 'deactivate':
        case 'reactivate':
          await openUserChange(deps, client, trigger, parsed.kind, parsed.target, (text) => respond({ response_type: 'ephemeral', text }));
          return;
      }
    } catch (err) {
      if (isInvalidInput(err)) {
        // The messages repeat what was typed ("There is no user <!channel> to clone"): escaped for mrkdwn.
        await respond({ response_type: 'ephemeral', text: `${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Try ${COMMAND} find &lt;name&gt;.` });
        return;
      }
      const known = modalRefusal(err);
      if (known) {
        deps.logger.warn({ subcommand: parsed.kind, refusal: known.log }, `/provision: ${known.log}`);
        await respond({ response_type: 'ephemeral', text: known.text });
        return;
      }
      deps.logger.error({ err, subcommand: parsed.kind }, '/provision failed after ack');
      await respond({ response_type: 'ephemeral', text: APOLOGY_TEXT });
    } finally {
      release();
    }
  };

type MemberLookup = { username: string } | { problem: string };

/**
 * A Slack member → their directory username, matched by the email on their Slack profile. Each way
 * this can fail is told as what it is: Slack refusing or failing users.info (logged with its error
 * code) is not the same as a person with no directory user.
 */
async function usernameOfSlackMember(deps: SlackDeps, client: Args['client'], slackUserId: string): Promise<MemberLookup> {
  const byUsername = `${COMMAND} clone &lt;username&gt;`;
  let email: string | undefined;
  try {
    const info = await client.users.info({ user: slackUserId });
    email = info.user?.profile?.email;
  } catch (err) {
    const code = slackErrorCode(err);
    deps.logger.warn({ slackUserId, slackError: code }, 'users.info failed for /provision clone @someone');
    if (code === 'user_not_found') return { problem: `Slack does not know the person you mentioned (users.info answered user_not_found). Clone by username instead: ${byUsername}.` };
    return { problem: `I could not ask Slack who the person you mentioned is: users.info failed (${escapeMrkdwn(code)}). Nothing was changed. Try again in a moment, or clone by username: ${byUsername}.` };
  }
  if (!email) {
    deps.logger.warn({ slackUserId }, 'users.info gave no email for /provision clone @someone (no email on the profile, or no users:read.email scope)');
    return { problem: `Slack did not give me the email of the person you mentioned, so I cannot match them to a directory user. Clone by username instead: ${byUsername}.` };
  }
  const username = await usernameForEmail(deps.services, email);
  return username ? { username } : { problem: `That person has no user in the directory (no user has their Slack email). Try ${COMMAND} find &lt;name&gt;.` };
}

/** The error code of a failed Web API call: Slack's own (`data.error`), else the client's (`code`). */
function slackErrorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const data = (err as { data?: { error?: unknown } }).data;
    if (data && typeof data.error === 'string') return data.error;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return 'unknown error';
}
