import { z } from 'zod';
import { generateRevealToken, REVEAL_TOKEN_TTL_MINUTES, revealTokenHash, sameDeviceSecret } from '../domain/device-secret.js';
import { recordAudit } from '../db/repositories/audit.js';
import { consumeRevealToken, deviceSecretOfNumber, insertRevealToken, markSecretRevealed, revealableExtensionOf } from '../db/repositories/device-secrets.js';
import { findUserByUsername } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';
import { parseInput } from './input.js';
import { accountKey } from './sign-in-throttle.js';

/**
 * The phone's SIP settings (extension number, device secret, registrar), shown once to the person who
 * sets up the phone: on /account, after they signed in with their own password (or just chose it).
 *
 * The page keeps no session, so the step is guarded by a reveal token: 256 random bits, valid for
 * REVEAL_TOKEN_TTL_MINUTES, usable once, stored only as its hash and bound to the user, the extension
 * and the secret's generation. Using it records the reveal on the extension in the same transaction as
 * the audit row (never with the secret); a second reveal, a reused token or a token from before a
 * rotation shows nothing secret. Seeing it again takes a new secret (a rotation, approved in Slack).
 */

export const PHONE_SETTINGS_ACTOR = 'account-page';

/** The step the page offers, or undefined when there is nothing to reveal (no extension, a non-agent, shown already). */
export interface PhoneSettingsOffer {
  token: string;
  extensionNumber: number;
}

/**
 * For a sign-in name that has just been authenticated: a fresh reveal token when the user is an active
 * agent with an extension whose current secret has not been shown yet.
 */
export async function offerPhoneSettings(deps: ServiceDeps, signInName: string): Promise<PhoneSettingsOffer | undefined> {
  const key = accountKey(signInName, deps.settings.tenantSuffix);
  if (key === undefined) return undefined;
  const user = await findUserByUsername(deps.db, key.slice(0, key.lastIndexOf('@')));
  if (!user) return undefined;
  const extension = await revealableExtensionOf(deps.db, user.id);
  if (!extension) return undefined;
  const token = generateRevealToken();
  const now = deps.now();
  await insertRevealToken(deps.db, {
    tokenHash: revealTokenHash(token),
    userId: user.id,
    extensionId: extension.id,
    secretGeneration: extension.secretGeneration,
    expiresAt: new Date(now.getTime() + REVEAL_TOKEN_TTL_MINUTES * 60_000),
    createdAt: now,
  });
  return { token, extensionNumber: extension.number };
}

export const revealInput = z.object({ token: z.string().min(1).max(100) });

export type RevealResult =
  | { ok: true; extensionNumber: number; deviceSecret: string; registrar: string | null }
  /** Used, run out, unknown, from before a rotation, or the secret was shown already: nothing secret. */
  | { ok: false };

export async function revealPhoneSettings(deps: ServiceDeps, raw: unknown, registrar: string | undefined): Promise<RevealResult> {
  const input = parseInput(revealInput, raw);
  const now = deps.now();
  return deps.db.transaction(async (tx): Promise<RevealResult> => {
    const token = await consumeRevealToken(tx, revealTokenHash(input.token), now);
    if (!token) return { ok: false };
    const shown = await markSecretRevealed(tx, token, now);
    if (!shown) {
      // The token was good but its secret is gone or was shown: say so in the trail, keep the token used.
      await recordAudit(tx, { actor: PHONE_SETTINGS_ACTOR, action: 'extension.secret_reveal_refused', entityType: 'extension', entityId: token.extensionId, details: { userId: token.userId, secretGeneration: token.secretGeneration } });
      return { ok: false };
    }
    await recordAudit(tx, { actor: PHONE_SETTINGS_ACTOR, action: 'extension.secret_revealed', entityType: 'extension', entityId: shown.id, details: { number: shown.number, userId: token.userId, secretGeneration: token.secretGeneration } });
    return { ok: true, extensionNumber: shown.number, deviceSecret: shown.deviceSecret, registrar: registrar ?? null };
  });
}

export const deviceCredentialsInput = z.object({
  extension: z.number().int().positive().max(2_147_483_647),
  secret: z.string().min(1).max(256),
});

/**
 * The check a PBX makes when a phone registers: is this the extension's current secret? A rotation
 * replaces the stored secret in its approval's transaction, so the old one fails from that moment.
 */
export async function checkDeviceCredentials(deps: ServiceDeps, raw: unknown): Promise<boolean> {
  const input = parseInput(deviceCredentialsInput, raw);
  const stored = await deviceSecretOfNumber(deps.db, input.extension);
  return sameDeviceSecret(input.secret, stored);
}
