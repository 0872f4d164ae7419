import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { deviceSecretRevealTokens, extensions, users } from '../schema/index.js';

/**
 * The device secret's life after creation: the one reveal on /account (through a single-use token),
 * a rotation, and the check a PBX makes. Every change is one guarded statement, so two tabs, two
 * instances or a replayed form can reveal or rotate only once.
 */

export type RevealTokenRow = typeof deviceSecretRevealTokens.$inferSelect;

/** What an agent may be offered the reveal for: their extension, while its current secret has not been shown. */
export async function revealableExtensionOf(db: Db, userId: number): Promise<{ id: number; number: number; secretGeneration: number } | undefined> {
  const [row] = await db
    .select({ id: extensions.id, number: extensions.number, secretGeneration: extensions.secretGeneration })
    .from(extensions)
    .innerJoin(users, eq(users.id, extensions.assignedUserId))
    .where(and(eq(extensions.assignedUserId, userId), isNull(extensions.secretRevealedAt), eq(users.status, 'active'), sql`${users.userType} <> 'non_agent'`));
  return row;
}

/** Stores a new reveal token (its hash only), and drops this user's tokens that have run out. */
export async function insertRevealToken(db: Db, values: { tokenHash: string; userId: number; extensionId: number; secretGeneration: number; expiresAt: Date; createdAt: Date }): Promise<void> {
  await db.delete(deviceSecretRevealTokens).where(and(eq(deviceSecretRevealTokens.userId, values.userId), lt(deviceSecretRevealTokens.expiresAt, values.createdAt)));
  await db.insert(deviceSecretRevealTokens).values(values);
}

/** Uses the token up: only the first caller, before it runs out, gets the row back. */
export async function consumeRevealToken(db: Db, tokenHash: string, now: Date): Promise<RevealTokenRow | undefined> {
  const [row] = await db
    .update(deviceSecretRevealTokens)
    .set({ usedAt: now })
    .where(and(eq(deviceSecretRevealTokens.tokenHash, tokenHash), isNull(deviceSecretRevealTokens.usedAt), gt(deviceSecretRevealTokens.expiresAt, now)))
    .returning();
  return row;
}

/**
 * Records the reveal and returns what to show, only while the extension still holds the secret the token
 * was made for, is still the token's user's (an active one), and that secret has not been shown yet.
 */
export async function markSecretRevealed(db: Db, token: Pick<RevealTokenRow, 'extensionId' | 'userId' | 'secretGeneration'>, now: Date): Promise<{ id: number; number: number; deviceSecret: string } | undefined> {
  const [row] = await db
    .update(extensions)
    .set({ secretRevealedAt: now })
    .where(
      and(
        eq(extensions.id, token.extensionId),
        eq(extensions.assignedUserId, token.userId),
        eq(extensions.secretGeneration, token.secretGeneration),
        isNull(extensions.secretRevealedAt),
        sql`exists (select 1 from ${users} where ${users.id} = ${token.userId} and ${users.status} = 'active')`,
      ),
    )
    .returning({ id: extensions.id, number: extensions.number, deviceSecret: extensions.deviceSecret });
  return row;
}

/**
 * Gives the extension a new secret: the generation moves on (every outstanding token stops matching),
 * the reveal record is cleared (the holder may see the new one once), and the unused tokens are deleted.
 */
export async function replaceDeviceSecret(db: Db, extensionId: number, newSecret: string): Promise<{ id: number; number: number; assignedUserId: number | null; secretGeneration: number } | undefined> {
  const [row] = await db
    .update(extensions)
    .set({ deviceSecret: newSecret, secretGeneration: sql`${extensions.secretGeneration} + 1`, secretRevealedAt: null })
    .where(eq(extensions.id, extensionId))
    .returning({ id: extensions.id, number: extensions.number, assignedUserId: extensions.assignedUserId, secretGeneration: extensions.secretGeneration });
  if (row) await db.delete(deviceSecretRevealTokens).where(eq(deviceSecretRevealTokens.extensionId, extensionId));
  return row;
}

/** The stored secret of an extension number, for the PBX's credentials check (never shown anywhere). */
export async function deviceSecretOfNumber(db: Db, number: number): Promise<string | undefined> {
  const [row] = await db.select({ deviceSecret: extensions.deviceSecret }).from(extensions).where(eq(extensions.number, number));
  return row?.deviceSecret;
}
