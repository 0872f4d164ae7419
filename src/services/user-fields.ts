import { z } from 'zod';
import { issue, type FieldIssue } from '../domain/errors.js';
import { parseEmail } from '../domain/email.js';
import { checkNewPassword } from '../domain/password.js';
import { DESCRIPTION_MAX_LENGTH, NOTES_MAX_LENGTH, validateName, validateOptionalText } from '../domain/person.js';
import { parsePhone, type CountryCode } from '../domain/phone.js';
import { USER_TYPES, type UserType } from '../domain/user-types.js';
import { validateUsername } from '../domain/username.js';

const optionalString = z.string().nullish();

/** The collection choice "every collection", as forms submit it and requests store it. */
export const COLLECTIONS_ALL = 'all';

/** The fields of the User Info step (the seeds' own), shared by create and clone. */
export const userInfoFields = {
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string(),
  email: optionalString,
  description: optionalString,
  /** Optional: none typed means the default (or random) one-time password. */
  password: optionalString,
  userType: z.enum(USER_TYPES).default('non_agent'),
  siteKey: optionalString,
  departmentKey: optionalString,
  billingUnitKey: optionalString,
  /** Optional here: the tenant default profile is used when none is chosen. */
  profileKey: optionalString,
  clusterKey: optionalString,
  /** The primary phone: required for agent-kind users, who need an extension first. */
  extensionNumber: z.union([z.string(), z.number().int()]).nullish(),
  voicemailAccess: z.boolean().default(false),
  recordingAccess: z.boolean().default(false),
  notes: optionalString,
  /**
   * `'all'` = every active collection; a list = exactly those. Undefined = the default: every
   * collection when creating from scratch, the source user's when cloning (and in clone requests
   * stored before `'all'` existed, which wrote undefined for both). "All" and "unchanged" must stay
   * different values: a clone whose requester pressed Select All gets every collection.
   */
  collectionIds: z.union([z.literal(COLLECTIONS_ALL), z.array(z.number().int().positive()).max(1000)]).optional(),
};

export const userInfoSchema = z.object(userInfoFields);
export type UserInfoInput = z.output<typeof userInfoSchema>;

export interface ValidPerson {
  username: string;
  firstName: string;
  lastName: string;
  phoneE164: string;
  /** The phone's digits as typed: the default password is built from them. */
  phoneDigits: string;
  email: string | null;
  description: string | null;
  notes: string | null;
  typedPassword: string | null;
  userType: UserType;
}

/** Applies every pure rule of the User Info step and returns all problems at once. */
export function validatePerson(input: UserInfoInput, country: CountryCode): { person?: ValidPerson; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const username = validateUsername(input.username);
  const first = validateName('firstName', input.firstName);
  const last = validateName('lastName', input.lastName);
  const phone = parsePhone(input.phone, country);
  const email = parseEmail(input.email);
  const description = validateOptionalText('description', input.description, DESCRIPTION_MAX_LENGTH);
  const notes = validateOptionalText('notes', input.notes, NOTES_MAX_LENGTH);
  for (const result of [username, first, last, phone, email, description, notes]) if (!result.ok) issues.push(result.issue);

  const typedPassword = input.password ? input.password : null;
  if (typedPassword !== null && username.ok) {
    const weak = checkNewPassword(typedPassword, { username: username.username });
    if (weak) issues.push(issue('password', weak.code, weak.message));
  }
  if (issues.length > 0 || !username.ok || !first.ok || !last.ok || !phone.ok || !email.ok || !description.ok || !notes.ok) {
    return { issues };
  }
  return {
    issues,
    person: {
      username: username.username,
      firstName: first.value,
      lastName: last.value,
      phoneE164: phone.e164,
      phoneDigits: phone.digits,
      email: email.email,
      description: description.value,
      notes: notes.value,
      typedPassword,
      userType: input.userType,
    },
  };
}
