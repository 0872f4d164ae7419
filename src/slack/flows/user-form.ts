import type { WebClient } from '@slack/web-api';
import { cloneTemplate } from '../../services/clone-user.js';
import { userFormData } from '../../services/form-data.js';
import { actorFor, type SlackDeps } from '../context.js';
import type { UserFormPrefill, UserFormState } from '../views/model.js';
import { userInfoModal } from '../views/user-info-modal.js';

/**
 * Builds the User Info step for a state. For a clone, the source user's settings are the prefill
 * (site, department, billing unit, profile) and its collections the starting selection.
 */
export async function buildUserInfoView(deps: SlackDeps, userId: string, state: UserFormState, prefill: UserFormPrefill = {}) {
  const { choices, showClusters } = await userFormData(deps.services, actorFor(deps, userId));
  let fullPrefill = prefill;
  if (state.mode === 'clone' && state.sourceUsername) {
    const { defaults } = await cloneTemplate(deps.services, state.sourceUsername);
    fullPrefill = { ...prefill, siteKey: defaults.siteKey, departmentKey: defaults.departmentKey, billingUnitKey: defaults.billingUnitKey, profileKey: defaults.profileKey };
  }
  return userInfoModal({ state, choices, prefill: fullPrefill, showClusters });
}

/** The state a new form starts from: every collection for a new user, the source's for a clone. */
export async function initialUserFormState(deps: SlackDeps, mode: UserFormState['mode'], sourceUsername?: string): Promise<UserFormState> {
  if (mode !== 'clone' || !sourceUsername) return { mode, collectionIds: 'all' };
  const { source, defaults } = await cloneTemplate(deps.services, sourceUsername);
  return { mode, sourceUsername: source.username, collectionIds: [...defaults.collectionIds] };
}

export async function openUserForm(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  userId: string,
  mode: UserFormState['mode'],
  options: { sourceUsername?: string; prefill?: UserFormPrefill } = {},
): Promise<void> {
  const state = await initialUserFormState(deps, mode, options.sourceUsername);
  await client.views.open({ trigger_id: triggerId, view: await buildUserInfoView(deps, userId, state, options.prefill) });
}
