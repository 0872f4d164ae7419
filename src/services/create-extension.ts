import { z } from 'zod';
import { generateDeviceSecret } from '../domain/device-secret.js';
import { InvalidInput, issue, type FieldIssue } from '../domain/errors.js';
import { DEVICE_TYPES } from '../domain/extension.js';
import { extensionTakenMessage, nextFreeExtension, parseExtensionNumber, typedExtensionNumber } from '../domain/extension-number.js';
import { validateOptionalText } from '../domain/person.js';
import { audit, type AuditSink } from '../db/repositories/audit.js';
import { findExtensionByNumber, insertExtension, rangesWithTakenNumbers, type ExtensionRow } from '../db/repositories/extensions.js';
import type { ReferenceChoices } from '../db/repositories/reference-data.js';
import { referenceChoicesAt } from '../db/repositories/reference-data-cache.js';
import type { Db } from '../db/client.js';
import type { Actor, ServiceDeps } from './context.js';
import { parseInput, throwIfAny } from './input.js';

const DEVICE_NAME_MAX_LENGTH = 64;

/** The HCC extension form. There is no device secret field: the system generates it. */
export const createExtensionInput = z.object({
  /** Empty = the next free number from the operator's ranges. */
  extensionNumber: z.union([z.string(), z.number().int()]).nullish(),
  deviceName: z.string(),
  deviceType: z.enum(DEVICE_TYPES),
  callerIdKey: z.string().nullish(),
  e911LocationKey: z.string().nullish(),
  multiLine: z.boolean().default(false),
  callRecording: z.boolean().default(false),
  monitoring: z.boolean().default(false),
  voicemailAccess: z.boolean().default(false),
});
export type CreateExtensionInput = z.input<typeof createExtensionInput>;

/** An extension as the app may show it: the device secret stays in the database. */
export type ExtensionView = Omit<ExtensionRow, 'deviceSecret'>;

export function toExtensionView(row: ExtensionRow): ExtensionView {
  const { deviceSecret: _secret, ...rest } = row;
  return rest;
}

/** The number the form suggests: the lowest free one in the operator's ranges, or null when all are used. */
export async function suggestExtensionNumber(db: Db): Promise<number | null> {
  const { ranges, taken } = await rangesWithTakenNumbers(db);
  return nextFreeExtension(ranges, (n) => taken.has(n));
}

export interface PreparedExtension {
  /** Null only when `allowNextFree` left the number to be drawn when the request is carried out. */
  number: number | null;
  deviceName: string;
  input: z.output<typeof createExtensionInput>;
}

/** The checks of a new extension's own fields that need no read: device name, caller ID, E911 location. */
export function checkExtensionFields(choices: Pick<ReferenceChoices, 'callerIds' | 'e911Locations'>, input: z.output<typeof createExtensionInput>) {
  const issues: FieldIssue[] = [];
  const deviceName = validateOptionalText('deviceName', input.deviceName, DEVICE_NAME_MAX_LENGTH);
  if (!deviceName.ok) issues.push(deviceName.issue);
  else if (deviceName.value === null) issues.push(issue('deviceName', 'required', 'Device Name is required'));
  if (input.callerIdKey && !choices.callerIds.some((c) => c.key === input.callerIdKey)) {
    issues.push(issue('callerIdKey', 'unknown_reference', `CallerID "${input.callerIdKey}" does not exist`));
  }
  if (input.e911LocationKey && !choices.e911Locations.some((l) => l.key === input.e911LocationKey)) {
    issues.push(issue('e911LocationKey', 'unknown_reference', `E911 Location "${input.e911LocationKey}" does not exist`));
  }
  return { deviceName, issues };
}

/**
 * Every check of a new extension, without writing. A request that waits for approval may leave the
 * number empty (`allowNextFree`): the next free one is drawn when it is carried out. One read (the
 * ranges, the numbers taken in them, the reference-data version) while the lists are cached.
 */
export async function prepareExtension(deps: ServiceDeps, raw: unknown, options: { allowNextFree: boolean } = { allowNextFree: false }): Promise<PreparedExtension> {
  const input = parseInput(createExtensionInput, raw);
  const { ranges, taken, referenceVersion } = await rangesWithTakenNumbers(deps.db);
  const choices = await referenceChoicesAt(deps.db, referenceVersion);
  const issues: FieldIssue[] = [];

  const { deviceName, issues: fieldIssues } = checkExtensionFields(choices, input);
  issues.push(...fieldIssues);

  const suggestion = nextFreeExtension(ranges, (n) => taken.has(n));
  let number: number | null = null;
  const typed = typedExtensionNumber(input.extensionNumber);
  if (typed === '') {
    if (suggestion === null) issues.push(issue('extensionNumber', 'no_free_extension', 'Every extension number in the configured ranges is in use'));
    number = options.allowNextFree ? null : suggestion;
  } else {
    const parsed = parseExtensionNumber(typed, ranges);
    if (!parsed.ok) issues.push(parsed.issue);
    else if (taken.has(parsed.number) || (await findExtensionByNumber(deps.db, parsed.number))) {
      issues.push(takenIssue(parsed.number, suggestion));
    } else number = parsed.number;
  }
  throwIfAny(issues);
  if (!deviceName.ok || deviceName.value === null) throw new Error('validation passed without a device name');
  return { number, deviceName: deviceName.value, input };
}

/**
 * The writes of a new extension, inside the caller's transaction: the row with a fresh device secret,
 * and the audit row (without the secret). The approval of a request runs it (services/request-execution.ts).
 */
export async function writeExtension(tx: Db, actor: Actor, prepared: PreparedExtension & { number: number }, now: Date, sink?: AuditSink): Promise<ExtensionRow> {
  const { number, deviceName, input } = prepared;
  const created = await insertExtension(tx, {
    number,
    deviceName,
    deviceType: input.deviceType,
    callerIdKey: input.callerIdKey || null,
    e911LocationKey: input.e911LocationKey || null,
    multiLine: input.multiLine,
    callRecording: input.callRecording,
    monitoring: input.monitoring,
    voicemailAccess: input.voicemailAccess,
    deviceSecret: generateDeviceSecret(),
    createdBy: actor.id,
    createdAt: now,
  });
  const { deviceSecret: _secret, ...audited } = created;
  await audit(tx, sink, { actor: actor.id, action: 'extension.created', entityType: 'extension', entityId: created.id, details: audited });
  return created;
}

/** The field error for a number someone else took, suggesting the next free one. */
export async function extensionTakenError(db: Db, number: number): Promise<InvalidInput> {
  return new InvalidInput([takenIssue(number, await suggestExtensionNumber(db))]);
}

function takenIssue(number: number, suggestion: number | null): FieldIssue {
  const next = suggestion === null || suggestion === number ? undefined : String(suggestion);
  return issue('extensionNumber', 'extension_taken', extensionTakenMessage(number, next === undefined ? undefined : Number(next)), next);
}
