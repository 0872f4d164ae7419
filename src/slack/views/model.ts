import type { CollectionKind } from '../../domain/collections.js';
import type { DeviceType } from '../../domain/extension.js';
import type { RequestKind, RequestState } from '../../domain/request-state.js';
import type { UserType } from '../../domain/user-types.js';

/**
 * The data the Block Kit builders take. Builders are pure: data in, view JSON out; they know nothing
 * of the database or Bolt.
 */
export interface Choice {
  key: string;
  name: string;
  /** The edited user's own value, retired from the reference data: shown "(retired)", kept only for them. */
  retired?: boolean;
}

export interface CollectionChoice {
  id: number;
  name: string;
  kind: CollectionKind;
}

/** What the User Info step offers. */
export interface UserFormChoices {
  sites: Choice[];
  departments: Choice[];
  billingUnits: Choice[];
  profiles: (Choice & { isDefault: boolean })[];
  /** Offered only when `showClusters` (a portal admin, and several clusters exist). */
  clusters: Choice[];
  collections: CollectionChoice[];
  /** Extensions nobody has yet, for the primary phone (ascending). */
  freeExtensions: number[];
}

/** The extension an agent request will create on approval (set up in the agent's Extension step). */
export interface NewExtensionDraft {
  /** Empty = the next free number at approval. */
  extensionNumber?: string;
  deviceName: string;
  deviceType: DeviceType;
  callerIdKey?: string;
  e911LocationKey?: string;
  multiLine: boolean;
  callRecording: boolean;
  monitoring: boolean;
  voicemailAccess: boolean;
}

/**
 * Where a User Info modal stands, kept in its private_metadata (≤ 3000 characters): what it is for,
 * and what the pushed steps decided. Typed fields are not here: Slack keeps them in the view's state.
 */
export interface UserFormState {
  mode: 'user' | 'agent' | 'clone' | 'edit';
  /** Clone: the user the settings come from. Edit: the user being edited (the username cannot change). */
  sourceUsername?: string;
  /** Edit: the user's version when the form was opened; a user changed since is not overwritten unseen. */
  editVersion?: number;
  /** `all` until the Collections step narrows it (creating from scratch selects every collection). */
  collectionIds: number[] | 'all';
  newExtension?: NewExtensionDraft;
}

/** Initial values of the User Info step (clone defaults, a new-hire post, or what was typed). */
export interface UserFormPrefill {
  username?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  description?: string;
  siteKey?: string | null;
  departmentKey?: string | null;
  billingUnitKey?: string | null;
  profileKey?: string | null;
  /** Edit: the user's CUCM cluster (the select is shown to portal admins only). */
  clusterKey?: string | null;
  userType?: UserType;
  /** Edit: the extension the user holds, the agent settings and notes as they are now. */
  extensionNumber?: number;
  voicemailAccess?: boolean;
  recordingAccess?: boolean;
  notes?: string;
}

/** What the extension form offers. */
export interface ExtensionFormChoices {
  callerIds: (Choice & { number: string })[];
  e911Locations: Choice[];
  /** The next free number from the ranges, prefilled in Extension Number; null when all are used. */
  suggestedNumber: number | null;
  /** "1000–1999 or 5000–5099", shown as a hint. */
  rangesText: string;
}

/** One row of `/provision find`, like a row of the portal's Users page. */
export interface UserListItem {
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  /** Blank for non-agents: the Agent ID column tells them apart. */
  agentId: number | null;
  siteName: string | null;
  departmentName: string | null;
  extensionNumber: number | null;
  /** Deactivated users are shown as such (absent: active). */
  status?: 'active' | 'deactivated';
}

export type FindStatus = 'active' | 'deactivated' | 'all';

/** A search of `/provision find`. Absent filters filter nothing; absent status is `active`. */
export interface FindQuery {
  text: string;
  kind: 'all' | 'agent' | 'non_agent';
  page: number;
  status?: FindStatus;
  siteKeys?: string[];
  departmentKeys?: string[];
}

/** A request as App Home and messages list it. The summary never holds a password or device secret. */
export interface RequestListItem {
  id: string;
  kind: RequestKind;
  state: RequestState;
  requesterId: string;
  createdAt: Date;
  /** Rejection or failure reason. */
  reason: string | null;
  /** Who decided and when (absent or null while undecided). */
  approverId?: string | null;
  decidedAt?: Date | null;
  /** e.g. "New agent jdoe (Jane Doe)". */
  title: string;
  fields: { label: string; value: string }[];
}
