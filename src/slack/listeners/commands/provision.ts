import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { extensionFormData } from '../../../services/form-data.js';
import { resolvePlaceFilters } from '../../../services/find-filters.js';
import { parseProvisionCommand, type ParsedCommand } from '../../commands/parse.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, openModal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { openUserEditForm } from '../../flows/user-edit-form.js';
import { openExtensionAssignment } from '../../flows/extension-assignment.js';
import { openUserChange } from '../../flows/user-change.js';
import { requestRotation } from '../../flows/device-secret.js';
import { EXPORT_NOT_ALLOWED_TEXT, EXPORT_PREPARING_TEXT, exportToDm, mayExport } from '../../flows/export.js';
import { recoveryFromSlack, unlockFromSlack } from '../../flows/recovery.js';
import { openUserForm } from '../../flows/user-form.js';
import { COMMAND } from '../../ids.js';
import { extensionModal } from '../../views/extension-modal.js';
import { importFileModal, importTemplateMessage } from '../../views/import-modal.js';
import { usernameOfSlackMember } from '../../member-username.js';
import type { FindQuery } from '../../views/model.js';
import { findAnswer } from '../actions/find.js';
import { cardAnswer, historyAnswer } from '../actions/user-card.js';
import { escapeMrkdwn } from '../../../text/mrkdwn.js';
import { helpMessage } from '../../views/help.js';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** What to say about a command that cannot run as typed, or undefined when it can. */
function problemWith(parsed: ParsedCommand): string | undefined {
  switch (parsed.kind) {
    case 'unknown':
      return `${COMMAND} ${parsed.word} is not a command I know.`;
    case 'missing_argument':
      switch (parsed.subcommand) {
        case 'edit':
          return `Say whom to edit: ${COMMAND} edit jdoe, or ${COMMAND} edit @Jane Doe.`;
        case 'clone':
          return `Say whom to clone: ${COMMAND} clone jdoe, or ${COMMAND} clone @Jane Doe.`;
        case 'show':
        case 'history':
          return `Say whose ${parsed.subcommand === 'show' ? 'card' : 'history'} to show: ${COMMAND} ${parsed.subcommand} jdoe, or ${COMMAND} ${parsed.subcommand} @Jane Doe.`;
        case 'find':
          return `Say what to look for: ${COMMAND} find jane.`;
        case 'deactivate':
          return `Say whom to offboard: ${COMMAND} deactivate jdoe, or ${COMMAND} deactivate @Jane Doe.`;
        case 'reactivate':
          return `Say whom to reactivate: ${COMMAND} reactivate jdoe.`;
        case 'extension_reassign':
          return `Say which extension and to whom: ${COMMAND} extension reassign 1001 jdoe, or ${COMMAND} extension reassign 1001 @Jane Doe.`;
        case 'extension_unassign':
          return `Say which extension to unassign: ${COMMAND} extension unassign 1001.`;
        case 'reset':
          return `Say whose sign-in to reset: ${COMMAND} reset jdoe, or ${COMMAND} reset @Jane Doe.`;
        case 'resend':
          return `Say whom to send the welcome again: ${COMMAND} resend jdoe, or ${COMMAND} resend @Jane Doe.`;
        case 'unlock':
          return `Say whom to unlock: ${COMMAND} unlock jdoe, or ${COMMAND} unlock @Jane Doe.`;
      }
      return undefined;
    case 'bad_argument':
      return parsed.problem;
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
    // An export is for approvers too (who may see cards without making requests): checked before the requesters' gate.
    if (parsed.kind === 'export') {
      if (!mayExport(deps, command.user_id)) return ack({ response_type: 'ephemeral', text: EXPORT_NOT_ALLOWED_TEXT });
      await ack({ response_type: 'ephemeral', text: EXPORT_PREPARING_TEXT });
      try {
        return void (await respond({ response_type: 'ephemeral', text: await exportToDm(deps, client, command.user_id, parsed) }));
      } catch (err) {
        deps.logger.error({ err, subcommand: parsed.kind }, '/provision failed after ack');
        return void (await respond({ response_type: 'ephemeral', text: APOLOGY_TEXT }));
      }
    }
    if (!deps.access.canRequest(command.user_id)) return ack({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT });
    if (parsed.kind === 'import_template') return ack({ response_type: 'ephemeral', ...importTemplateMessage() });

    if (parsed.kind === 'extension_rotate') {
      await ack();
      try {
        return void (await respond({ response_type: 'ephemeral', text: await requestRotation(deps, client, command.user_id, parsed.number) }));
      } catch (err) {
        deps.logger.error({ err, subcommand: parsed.kind }, '/provision failed after ack');
        return void (await respond({ response_type: 'ephemeral', text: APOLOGY_TEXT }));
      }
    }
    if (parsed.kind === 'find') {
      let places;
      try {
        places = await resolvePlaceFilters(deps.services, { site: parsed.filters.site, department: parsed.filters.department });
      } catch (err) {
        if (!isInvalidInput(err)) throw err;
        return ack({ response_type: 'ephemeral', text: `${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}.` });
      }
      const query: FindQuery = { text: parsed.text.slice(0, 200), kind: parsed.filters.type ?? 'all', page: 1, status: parsed.filters.status ?? 'active', ...places };
      return ack({ response_type: 'ephemeral', ...(await findAnswer(deps, query)) });
    }
    // A card or a history by username answers in the acknowledgement; by @mention it needs users.info
    // first, so it acks at once and answers through respond.
    if ((parsed.kind === 'show' || parsed.kind === 'history') && 'username' in parsed.target) {
      const answer = parsed.kind === 'show' ? await cardAnswer(deps, command.user_id, parsed.target.username) : await historyAnswer(deps, parsed.target.username, 1);
      return ack({ response_type: 'ephemeral', ...answer });
    }
    if (parsed.kind === 'show' || parsed.kind === 'history') {
      await ack();
      try {
        const found = 'username' in parsed.target ? { username: parsed.target.username } : await usernameOfSlackMember(deps, client, parsed.target.slackUserId, parsed.kind);
        if ('problem' in found) return void (await respond({ response_type: 'ephemeral', text: found.problem }));
        const answer = parsed.kind === 'show' ? await cardAnswer(deps, command.user_id, found.username) : await historyAnswer(deps, found.username, 1);
        return void (await respond({ response_type: 'ephemeral', ...answer }));
      } catch (err) {
        deps.logger.error({ err, subcommand: parsed.kind }, '/provision failed after ack');
        return void (await respond({ response_type: 'ephemeral', text: APOLOGY_TEXT }));
      }
    }

    // Recovery opens no modal: it acks at once and answers through respond, after the work.
    if (parsed.kind === 'reset' || parsed.kind === 'resend' || parsed.kind === 'unlock') {
      await ack();
      const tell = (text: string) => respond({ response_type: 'ephemeral', text });
      try {
        if (parsed.kind === 'unlock') await unlockFromSlack(deps, client, command.user_id, parsed.target, tell);
        else await recoveryFromSlack(deps, client, command.user_id, parsed.kind === 'reset' ? 'reset_sign_in' : 'resend_welcome', parsed.target, tell);
      } catch (err) {
        deps.logger.error({ err, subcommand: parsed.kind }, '/provision failed after ack');
        await tell(APOLOGY_TEXT);
      }
      return;
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
        case 'import':
          await openModal(client, trigger, importFileModal());
          return;
        case 'clone': {
          const found = 'username' in parsed.source ? { username: parsed.source.username } : await usernameOfSlackMember(deps, client, parsed.source.slackUserId, 'clone');
          if ('problem' in found) {
            await respond({ response_type: 'ephemeral', text: found.problem });
            return;
          }
          await openUserForm(deps, client, trigger, command.user_id, 'clone', { sourceUsername: found.username });
          return;
        }
        case 'edit': {
          const found = 'username' in parsed.target ? { username: parsed.target.username } : await usernameOfSlackMember(deps, client, parsed.target.slackUserId, 'edit');
          if ('problem' in found) {
            await respond({ response_type: 'ephemeral', text: found.problem });
            return;
          }
          await openUserEditForm(deps, client, { trigger }, command.user_id, found.username);
          return;
        }
        case 'deactivate':
        case 'reactivate':
          await openUserChange(deps, client, trigger, parsed.kind, parsed.target, (text) => respond({ response_type: 'ephemeral', text }));
          return;
        case 'extension_reassign':
        case 'extension_unassign':
          await openExtensionAssignment(
            deps,
            client,
            trigger,
            parsed.kind === 'extension_reassign' ? { kind: 'reassign', number: parsed.number, recipient: parsed.recipient } : { kind: 'unassign', number: parsed.number },
            (text) => respond({ response_type: 'ephemeral', text }),
          );
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
