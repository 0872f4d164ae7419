import { describe, it, expect } from 'vitest';
import { cloneDefaults } from '../../../src/domain/clone.js';
import type { CloneSource } from '../../../src/domain/clone.js';

const source: CloneSource = {
  siteKey: 'austin',
  departmentKey: 'support',
  billingUnitKey: 'bu-100',
  profileKey: 'standard-agent',
  collectionIds: [7, 3, 12],
};

describe('cloneDefaults', () => {
  it('copies site, department, billing unit, profile and the collections, sorted', () => {
    expect(cloneDefaults(source)).toEqual({
      siteKey: 'austin',
      departmentKey: 'support',
      billingUnitKey: 'bu-100',
      profileKey: 'standard-agent',
      collectionIds: [3, 7, 12],
    });
  });

  it('sorts numerically, not as text, and drops duplicates', () => {
    expect(cloneDefaults({ ...source, collectionIds: [10, 9, 100, 9] }).collectionIds).toEqual([9, 10, 100]);
  });

  it('keeps empty choices empty', () => {
    expect(cloneDefaults({ siteKey: null, departmentKey: null, billingUnitKey: null, profileKey: 'p', collectionIds: [] })).toEqual({
      siteKey: null,
      departmentKey: null,
      billingUnitKey: null,
      profileKey: 'p',
      collectionIds: [],
    });
  });

  it('never copies who the source user is, even when given the whole user record', () => {
    const wholeUser = {
      ...source,
      username: 'jdoe',
      firstName: 'Jane',
      lastName: 'Doe',
      phone: '+15555551234',
      email: 'jane.doe@example.com',
      passwordHash: 'scrypt$17$8$1$x$y',
      agentId: 1001,
      extensionId: 42,
    };
    const defaults = cloneDefaults(wholeUser);
    expect(Object.keys(defaults).sort()).toEqual(['billingUnitKey', 'collectionIds', 'departmentKey', 'profileKey', 'siteKey']);
    expect(JSON.stringify(defaults)).not.toMatch(/jdoe|Jane|Doe|5555551234|example\.com|scrypt|1001/);
  });

  it('returns new objects: changing the defaults never changes the source', () => {
    const ids = [2, 1];
    const input = { ...source, collectionIds: ids };
    const defaults = cloneDefaults(input);
    expect(defaults).not.toBe(input);
    expect(defaults.collectionIds).not.toBe(ids);
    (defaults.collectionIds as number[]).push(99);
    expect(ids).toEqual([2, 1]);
  });
});
