import type { AccessPolicy } from '../domain/access.js';
import type { CountryCode } from '../domain/phone.js';
import type { Logger } from '../logger.js';
import type { Actor, ServiceDeps } from '../services/context.js';
import type { FindSlackMember } from '../services/password-delivery.js';

/** What every listener may use: the use cases' dependencies, who may do what, and the log. */
export interface SlackDeps {
  readonly services: ServiceDeps;
  readonly access: AccessPolicy;
  readonly logger: Logger;
  readonly phoneDefaultCountry: CountryCode;
  readonly approvals: {
    /** APPROVALS_CHANNEL: where requests are posted with Approve / Reject. */
    readonly channel: string;
    readonly allowSelfApproval: boolean;
    /** RESET_NEEDS_APPROVAL: a reset or a resend of the welcome waits for an approver; when false only approvers ask, and it runs at once. */
    readonly resetNeedsApproval: boolean;
    readonly remindAfterHours: number;
    readonly expireAfterHours: number;
  };
  /** The /account sign-in page, linked from the new user's email and DM. */
  readonly accountUrl: string;
  /** users.lookupByEmail, for the PASSWORD_POLICY=random check at submission (slack/member-lookup.ts). */
  readonly findSlackMember: FindSlackMember;
}

export function actorFor(deps: SlackDeps, userId: string): Actor {
  return { id: userId, portalAdmin: deps.access.isPortalAdmin(userId) };
}

export const NOT_ALLOWED_TEXT = 'You are not on the list of people who can make provisioning requests. Ask a contact-center admin.';
export const APOLOGY_TEXT = 'Something went wrong on our side and nothing was changed. Please try again in a moment.';

/** Said before any form opens on a database the operator has not loaded reference data into yet. */
export const NO_REFERENCE_DATA_TEXT =
  'There is no reference data yet (sites, departments, billing units, profiles, caller IDs, E911 locations, collections), so there is nothing to choose in the form. ' +
  'The bot\'s operator must load it first: `npm run reference:load -- &lt;file&gt;` (see reference-data/demo.yml for the format), or set REFERENCE_DATA_FILE to the file and restart the bot.';
