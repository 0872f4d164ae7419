import { findUserByEmail, findUserByUsername } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';

/** The directory username of the person with this email (a Slack member to clone), if any. */
export async function usernameForEmail(deps: Pick<ServiceDeps, 'db'>, email: string): Promise<string | undefined> {
  return (await findUserByEmail(deps.db, email))?.username;
}

export async function userExists(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<boolean> {
  return (await findUserByUsername(deps.db, username)) !== undefined;
}
