import type { CollectionChoice, ExtensionFormChoices, NewExtensionDraft, UserFormChoices } from '../../../src/slack/views/model.js';

/** `n` collections alternating user / agent, IDs from `firstId`. */
export function collections(n: number, firstId = 1, step = 1): CollectionChoice[] {
  return Array.from({ length: n }, (_, i) => ({ id: firstId + i * step, name: `Collection ${i + 1}`, kind: i % 2 === 0 ? 'user' : 'agent' }));
}

export function userChoices(overrides: Partial<UserFormChoices> = {}): UserFormChoices {
  return {
    sites: [
      { key: 'austin-tx', name: 'Austin, TX' },
      { key: 'manila', name: 'Manila' },
    ],
    departments: [
      { key: 'sales', name: 'Sales' },
      { key: 'support', name: 'Support' },
    ],
    billingUnits: [{ key: 'bu-100', name: 'BU 100' }],
    profiles: [
      { key: 'basic', name: 'Basic', isDefault: false },
      { key: 'standard', name: 'Standard', isDefault: true },
      { key: 'power', name: 'Power user', isDefault: false },
    ],
    clusters: [
      { key: 'cucm-east', name: 'CUCM East' },
      { key: 'cucm-west', name: 'CUCM West' },
    ],
    collections: [
      { id: 1, name: 'Inbound sales', kind: 'user' },
      { id: 2, name: 'Outbound sales', kind: 'user' },
      { id: 3, name: 'Tier 1', kind: 'agent' },
      { id: 4, name: 'Tier 2', kind: 'agent' },
    ],
    freeExtensions: [1001, 1002, 1005],
    ...overrides,
  };
}

export function extensionChoices(overrides: Partial<ExtensionFormChoices> = {}): ExtensionFormChoices {
  return {
    callerIds: [
      { key: 'main', name: 'Main line', number: '+18005550100' },
      { key: 'sales', name: 'Sales', number: '+18005550101' },
    ],
    e911Locations: [
      { key: 'hq', name: 'HQ, 1 Main St' },
      { key: 'manila', name: 'Manila office' },
    ],
    suggestedNumber: 1003,
    rangesText: '1000–1999 or 5000–5099',
    ...overrides,
  };
}

export const DRAFT: NewExtensionDraft = {
  extensionNumber: '1234',
  deviceName: 'Jane Doe desk',
  deviceType: 'webrtc',
  callerIdKey: 'main',
  e911LocationKey: 'hq',
  multiLine: true,
  callRecording: false,
  monitoring: true,
  voicemailAccess: false,
};

/** A draft with every field at its longest, the device name made of characters JSON must escape. */
export const LONGEST_DRAFT: NewExtensionDraft = {
  extensionNumber: '123456789',
  deviceName: '"\\\u0001'.repeat(21) + '"',
  deviceType: 'softphone',
  callerIdKey: 'c'.repeat(40),
  e911LocationKey: 'e'.repeat(40),
  multiLine: true,
  callRecording: true,
  monitoring: true,
  voicemailAccess: true,
};
