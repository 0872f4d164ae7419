import type { WebClient } from '@slack/web-api';
import { cloneTemplate } from '../../services/clone-user.js';
import { userFormData } from '../../services/form-data.js';
import { actorFor, type SlackDeps } from '../context.js';
import type { UserFormPrefill, UserFormState } from '../views/model.js';
import { userInfoModal } from '../views/user-info-modal.js';
import { openModal, type Trigger } from './modal-trigger.js';
import { buildUserEditView } from './user-edit-form.js';

type CloneTemplate = Awaited<ReturnType<typeof cloneTemplate>>;

/** For a clone, the source user's settings are the prefill (site, department, billing unit, profile). */
function withCloneDefaults(prefill: UserFormPrefill, template: CloneTemplate | undefined): UserFormPrefill {
  if (!template) return prefill;
  const { defaults } = template;
  return { ...prefill, siteKey: defaults.siteKey, departmentKey: defaults.departmentKey, billingUnitKey: defaults.billingUnitKey, profileKey: defaults.profileKey };
}

/**
 * Builds the User Info step for a state (again, after a pushed step). The reference data and, for a
 * clone, the source user are read in parallel; a caller that has just read the template passes it.
 */
export async function buildUserInfoView(deps: SlackDeps, userId: string, state: UserFormState, prefill: UserFormPrefill = {}, template?: CloneTemplate) {
  if (state.mode === 'edit') return buildUserEditView(deps, userId, state);
  const needsTemplate = !template && state.mode === 'clone' && state.sourceUsername;
  const [{ choices, showClusters }, source] = await both(
    userFormData(deps.services, actorFor(deps, userId)),
    needsTemplate ? cloneTemplate(deps.services, state.sourceUsername!) : Promise.resolve(template),
  );
  return userInfoModal({ state, choices, prefill: withCloneDefaults(prefill, source), showClusters });
}

/** The state a new form starts from: every collection for a new user, the source's for a clone. */
export function initialUserFormState(mode: Exclude<UserFormState['mode'], 'edit'>, template?: CloneTemplate): UserFormState {
  if (mode !== 'clone' || !template) return { mode, collectionIds: 'all' };
  return { mode, sourceUsername: template.source.username, collectionIds: [...template.defaults.collectionIds] };
}

/**
 * Opens the User Info step. The clone template is read once (it gives both the starting collections
 * and the prefill), in parallel with the form's reference data, and views.open goes out only while
 * the trigger lives (TriggerTooOld otherwise; ReferenceDataMissing when there is nothing to choose).
 */
export async function openUserForm(
  deps: SlackDeps,
  client: WebClient,
  trigger: Trigger,
  userId: string,
  mode: Exclude<UserFormState['mode'], 'edit'>,
  options: { sourceUsername?: string; prefill?: UserFormPrefill } = {},
): Promise<void> {
  const [{ choices, showClusters }, template] = await both(
    userFormData(deps.services, actorFor(deps, userId)),
    mode === 'clone' && options.sourceUsername ? cloneTemplate(deps.services, options.sourceUsername) : Promise.resolve(undefined),
  );
  const state = initialUserFormState(mode, template);
  await openModal(client, trigger, userInfoModal({ state, choices, prefill: withCloneDefaults(options.prefill ?? {}, template), showClusters }));
}

/**
 * Both reads at once; when both fail, the form data's failure wins (no reference data at all says more
 * than "no user jdoe to clone" on an empty database).
 */
async function both<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}
