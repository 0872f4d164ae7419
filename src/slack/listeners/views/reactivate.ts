import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { isInvalidInput } from '../../../domain/errors.js';
import { submitReactivation } from '../../../services/reactivation.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { ACTIONS, BLOCKS } from '../../ids.js';
import { parseTargetRef } from '../../views/deactivate-modal.js';
import { confirmAndAnnounce } from '../../flows/submitted.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

const noteValues = z.object({ [BLOCKS.reactivateNote]: z.object({ [ACTIONS.input]: z.object({ value: z.string().nullish() }) }) });

/** The reactivation modal submitted: checked (still deactivated, unchanged, no open change), then stored as pending. */
export const reactivateSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const onNote = (text: string) => ack({ response_action: 'errors', errors: { [BLOCKS.reactivateNote]: text } });
    const userId = body.user.id;
    if (!deps.access.canRequest(userId)) return onNote(NOT_ALLOWED_TEXT);
    const ref = parseTargetRef(view.private_metadata);
    const values = noteValues.safeParse(view.state.values);
    if (!ref || !values.success) return onNote('This form is not one the bot made. Nothing was changed.');
    let submitted;
    try {
      submitted = await submitReactivation(deps.services, actorFor(deps, userId), { ...ref, note: values.data[BLOCKS.reactivateNote]?.[ACTIONS.input]?.value ?? null });
    } catch (err) {
      if (isInvalidInput(err)) return onNote(err.issues.map((i) => i.message).join('. '));
      deps.logger.error({ err }, 'reactivation request submission failed');
      return onNote(APOLOGY_TEXT);
    }
    await ack({ response_action: 'clear' });
    await confirmAndAnnounce(deps, client, userId, submitted);
  };
