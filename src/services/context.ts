import type { Db } from '../db/client.js';
import type { CountryCode } from '../domain/phone.js';
import type { PASSWORD_POLICIES } from '../domain/password.js';
import type { SignInLimits } from '../domain/sign-in-limits.js';
import type { UserType } from '../domain/user-types.js';

/** Who asks. Authorisation is decided here, server-side, never from what a form chose to show. */
export interface Actor {
  /** A Slack user ID, or `system`. */
  readonly id: string;
  /** Portal admins may choose a CUCM cluster. */
  readonly portalAdmin: boolean;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', portalAdmin: true };

/** The operator's rules the use cases apply (from config). */
export interface DirectorySettings {
  readonly phoneDefaultCountry: CountryCode;
  readonly passwordPolicy: (typeof PASSWORD_POLICIES)[number];
  readonly defaultPasswordTtlHours: number;
  readonly tenantSuffix: string;
  /** Sign-in attempts allowed per client address and per account in a window (src/services/sign-in-throttle.ts). */
  readonly signInLimits: SignInLimits;
  /** TWO_APPROVALS_FOR: user types whose creation or change needs two different approvers (none when absent). */
  readonly twoApprovalsFor?: readonly UserType[];
}

export interface ServiceDeps {
  readonly db: Db;
  /** Where find's statement runs (Database.searchDb: generic plans on Postgres); `db` when absent. */
  readonly searchDb?: Db;
  readonly settings: DirectorySettings;
  /** Injected so expiry rules can be tested without waiting. */
  readonly now: () => Date;
}
