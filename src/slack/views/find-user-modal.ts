import type { ModalView } from '@slack/types';
import { BLOCKS, VIEWS } from '../ids.js';
import { inputBlock, option, plain, staticSelect, textInput } from './form-kit.js';
import type { Choice, FindQuery, FindStatus } from './model.js';
import { FIND_TEXT_MAX } from './find-results.js';

export const FIND_STATUS_OPTIONS: readonly [FindStatus, string][] = [
  ['active', 'Active'],
  ['deactivated', 'Deactivated'],
  ['all', 'Active and deactivated'],
];
export const FIND_KIND_OPTIONS: readonly [FindQuery['kind'], string][] = [
  ['all', 'All users'],
  ['agent', 'Agents'],
  ['non_agent', 'Non-agents'],
];

/**
 * App Home's Find a user: the search text and the filters of `/provision find`. App Home has no place
 * for an ephemeral answer, so the results are sent to the person's DM with the bot.
 */
export function findUserModal(choices: { sites: Choice[]; departments: Choice[] }): ModalView {
  const blocks: ModalView['blocks'] = [
    inputBlock(BLOCKS.findText, 'Name, username, email, site or department', { ...textInput(undefined, FIND_TEXT_MAX), placeholder: plain('e.g. smith') }, { optional: true }),
  ];
  if (choices.sites.length > 0) blocks.push(inputBlock(BLOCKS.findSite, 'Site', { ...staticSelect(choices.sites.map((c) => option(c.name, c.key)), null), placeholder: plain('Any site') }, { optional: true }));
  if (choices.departments.length > 0) {
    blocks.push(inputBlock(BLOCKS.findDepartment, 'Department', { ...staticSelect(choices.departments.map((c) => option(c.name, c.key)), null), placeholder: plain('Any department') }, { optional: true }));
  }
  blocks.push(
    inputBlock(BLOCKS.findStatus, 'Status', staticSelect(FIND_STATUS_OPTIONS.map(([v, t]) => option(t, v)), 'active')),
    inputBlock(BLOCKS.findType, 'Agents or non-agents', staticSelect(FIND_KIND_OPTIONS.map(([v, t]) => option(t, v)), 'all')),
  );
  return {
    type: 'modal',
    callback_id: VIEWS.findUser,
    title: plain('Find a user'),
    submit: plain('Find'),
    close: plain('Cancel'),
    blocks,
  };
}
