import { z } from 'zod';
import { reject } from '../domain/errors.js';
import { recordAudit } from '../db/repositories/audit.js';
import { releaseExtensionOfUser } from '../db/repositories/extensions.js';
import { findUserByUsername, markUserDeactivated } from '../db/repositories/users.js';
import type { Actor, ServiceDeps } from './context.js';
import { parseInput } from './input.js';

export const deactivateUserInput = z.object({ username: z.string().min(1) });

/**
 * Users are deactivated, never deleted: the row, its collections and its history stay, the username
 * stays taken, and the extension is freed for someone else.
 */
export async function deactivateUser(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<{ username: string; freedExtension: number | null }> {
  const input = parseInput(deactivateUserInput, raw);
  const user = await findUserByUsername(deps.db, input.username);
  if (!user) reject('username', 'not_found', `There is no user ${input.username}`);

  return deps.db.transaction(async (tx) => {
    // The state check is in the UPDATE, so two concurrent deactivations free the extension once.
    if (!(await markUserDeactivated(tx, user.id, actor.id, deps.now()))) {
      reject('username', 'already_deactivated', `${user.username} is already deactivated`);
    }
    const freed = await releaseExtensionOfUser(tx, user.id);
    await recordAudit(tx, {
      actor: actor.id,
      action: 'user.deactivated',
      entityType: 'user',
      entityId: user.id,
      details: { username: user.username, freedExtension: freed?.number ?? null },
    });
    return { username: user.username, freedExtension: freed?.number ?? null };
  });
}
