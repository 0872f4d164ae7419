import { suggestUsername, usernameBaseFromName } from '../domain/username.js';
import { findUserByEmail, findUserByUsername, usernamesStartingWith } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';

/** The directory username of the person with this email (a Slack member to clone), if any. */
export async function usernameForEmail(deps: Pick<ServiceDeps, 'db'>, email: string): Promise<string | undefined> {
  return (await findUserByEmail(deps.db, email))?.username;
}

export async function userExists(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<boolean> {
  return (await findUserByUsername(deps.db, username)) !== undefined;
}

/**
 * A free username for a person's name (Jane Doe → jdoe, or jdoe2 when taken), to prefill a form; the
 * requester may change it, and the submission is checked again anyway.
 */
export async function suggestFreeUsername(deps: Pick<ServiceDeps, 'db'>, firstName: string, lastName: string): Promise<string> {
  const base = usernameBaseFromName(firstName, lastName);
  const taken = await usernamesStartingWith(deps.db, base.slice(0, 15));
  return suggestUsername(base, (candidate) => taken.has(candidate));
}
