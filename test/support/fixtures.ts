import { DEMO_REFERENCE_DATA, loadReferenceDataFile } from '../../src/services/load-reference-data.js';
import type { Db } from '../../src/db/client.js';
import { DEFAULT_SIGN_IN_LIMITS } from '../../src/domain/sign-in-limits.js';
import type { Actor, DirectorySettings, ServiceDeps } from '../../src/services/context.js';
import type { CreateUserInput } from '../../src/services/create-user.js';
import type { CreateExtensionInput } from '../../src/services/create-extension.js';

export const settings: DirectorySettings = {
  phoneDefaultCountry: 'US',
  passwordPolicy: 'default',
  defaultPasswordTtlHours: 72,
  tenantSuffix: 'abc',
  signInLimits: DEFAULT_SIGN_IN_LIMITS,
};

export const requester: Actor = { id: 'U0REQUESTER', portalAdmin: false };
export const portalAdmin: Actor = { id: 'U0PORTALADM', portalAdmin: true };

/** A clock tests can move. */
export function testClock(start = new Date('2026-11-23T09:00:00Z')) {
  let current = start;
  return {
    now: () => current,
    advanceHours(hours: number) {
      current = new Date(current.getTime() + hours * 3_600_000);
    },
  };
}

export function depsFor(db: Db, overrides: Partial<ServiceDeps> = {}): ServiceDeps {
  return { db, settings, now: () => new Date('2026-11-23T09:00:00Z'), ...overrides };
}

export async function seedDemoReferenceData(db: Db) {
  return loadReferenceDataFile(db, DEMO_REFERENCE_DATA);
}

let sequence = 0;

/** The seed's own Jane Doe, unique per call unless the caller overrides the identity. */
export function janeDoe(overrides: Partial<CreateUserInput> = {}): CreateUserInput {
  sequence += 1;
  return {
    username: `fixture${sequence}`,
    firstName: 'Jane',
    lastName: 'Doe',
    phone: '555-555-1234',
    email: `jane.doe${sequence}@example.com`,
    ...overrides,
  };
}

export function softphone(overrides: Partial<CreateExtensionInput> = {}): CreateExtensionInput {
  return { deviceName: 'Jane Doe softphone', deviceType: 'softphone', ...overrides };
}
