import type { z } from 'zod';
import type { editableUserBefore } from '../../src/services/edit-payload.js';

/** A user as an edit reads and compares them (domain/user-diff.ts), as an edit request stores them (`before`). */
export type EditableLook = z.output<typeof editableUserBefore>;

/**
 * Jane Doe as an edit sees her: an agent at extension 1000 in Austin, Sales, on the standard profile,
 * in collections 1 and 2, with no billing unit, cluster, description or notes. Each test overrides
 * the fields its reference names or its case need.
 */
export function editableJane(over: Partial<EditableLook> = {}): EditableLook {
  return {
    firstName: 'Jane',
    lastName: 'Doe',
    phone: '+15555551234',
    email: 'jane@example.com',
    description: null,
    siteKey: 'austin',
    departmentKey: 'sales',
    billingUnitKey: null,
    profileKey: 'standard',
    clusterKey: null,
    userType: 'agent',
    extensionNumber: 1000,
    voicemailAccess: false,
    recordingAccess: false,
    notes: null,
    collectionIds: [1, 2],
    ...over,
  };
}
