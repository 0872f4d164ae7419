import type { KnownBlock, ModalView } from '@slack/types';
import { VIEWS } from '../ids.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';
import { clipText } from '../../text/clip.js';
import { plain } from './form-kit.js';

/** Slack's limit on a section's text; a problem list never comes near it, but a forged one might. */
const SECTION_TEXT_MAX = 3000;
/** More problems than this are not one person's mistakes; the first ones are enough to act on. */
const MAX_PROBLEMS = 20;

export interface FormProblem {
  /** What the person knows the thing by: "Collections", "Clusters", "New extension". */
  label: string;
  message: string;
}

/**
 * Problems with a submitted form that belong to no field of it (the collections chosen in their own
 * step, a choice the view no longer shows): Slack can show an error only under an input block, and
 * putting these under another field would tell the person about the wrong thing. So they are pushed as
 * a small view on top of the form; closing it returns to the form as it was typed.
 */
export function formProblemsModal(problems: readonly FormProblem[]): ModalView {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: '*Nothing was submitted yet.* Go back to the form and fix this first:' } },
    ...problems.slice(0, MAX_PROBLEMS).map(
      (p): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clipText(`*${escapeMrkdwn(p.label)}*: ${escapeMrkdwn(p.message)}`, SECTION_TEXT_MAX) } }),
    ),
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.formProblems,
    title: plain('Not submitted yet'),
    close: plain('Back to the form'),
    blocks,
  };
}
