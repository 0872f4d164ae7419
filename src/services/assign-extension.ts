import { z } from 'zod';
import { InvalidInput, issue, reject } from '../domain/errors.js';
import { parseExtensionNumber } from '../domain/extension-number.js';
import { recordAudit } from '../db/repositories/audit.js';
import { assignExtensionIfFree, findExtensionByNumber, findExtensionOfUser } from '../db/repositories/extensions.js';
import { findUserById, findUserByUsername } from '../db/repositories/users.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import type { Actor, ServiceDeps } from './context.js';
import { parseInput } from './input.js';

export const assignExtensionInput = z.object({
  extensionNumber: z.union([z.string(), z.number().int()]).transform(String),
  username: z.string().min(1),
});
export type AssignExtensionInput = z.input<typeof assignExtensionInput>;

/** Makes an extension a user's primary phone. An extension already assigned to someone is refused. */
export async function assignExtension(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<{ extensionNumber: number; username: string }> {
  const input = parseInput(assignExtensionInput, raw);
  const parsed = parseExtensionNumber(input.extensionNumber, []);
  if (!parsed.ok) throw new InvalidInput([parsed.issue]);
  const number = parsed.number;

  const [extension, user] = await Promise.all([findExtensionByNumber(deps.db, number), findUserByUsername(deps.db, input.username)]);
  if (!extension) reject('extensionNumber', 'not_found', `Extension ${number} does not exist`);
  if (!user) reject('username', 'not_found', `There is no user ${input.username}`);
  if (user.status !== 'active') reject('username', 'already_deactivated', `${user.username} is deactivated`);
  if (extension.assignedUserId !== null) {
    const holder = extension.assignedUserId === user.id ? user : await findUserById(deps.db, extension.assignedUserId);
    reject('extensionNumber', 'extension_assigned', `Extension ${number} is already assigned to ${holder?.username ?? 'another user'}`);
  }
  const current = await findExtensionOfUser(deps.db, user.id);
  if (current) reject('username', 'user_has_extension', `${user.username} already has extension ${current.number}`);

  try {
    await deps.db.transaction(async (tx) => {
      if (!(await assignExtensionIfFree(tx, extension.id, user.id))) {
        reject('extensionNumber', 'extension_assigned', `Extension ${number} was just assigned to another user`);
      }
      await recordAudit(tx, {
        actor: actor.id,
        action: 'extension.assigned',
        entityType: 'extension',
        entityId: extension.id,
        details: { extensionNumber: extension.number, userId: user.id, username: user.username },
      });
    });
  } catch (err) {
    if (violatedUniqueConstraint(err) === 'extensions_assigned_user') {
      throw new InvalidInput([issue('username', 'user_has_extension', `${user.username} was just given another extension`)]);
    }
    throw err;
  }
  return { extensionNumber: extension.number, username: user.username };
}
