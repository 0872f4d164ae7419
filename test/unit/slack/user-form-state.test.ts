import { describe, expect, it } from 'vitest';
import { decodeIds, decodeUserFormState, encodeIds, encodeUserFormState } from '../../../src/slack/views/user-form-state.js';
import type { UserFormState } from '../../../src/slack/views/model.js';
import { DRAFT, LONGEST_DRAFT } from './form-fixtures.js';
import { seededRandom } from '../../support/seeded-random.js';

const random = seededRandom;

/** n distinct IDs in 1..below-1; below must leave room for them. */
function distinctIds(n: number, below: number, seed: number): number[] {
  if (below - 1 < n) throw new Error(`cannot draw ${n} distinct IDs below ${below}`);
  const next = random(seed);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(1 + Math.floor(next() * (below - 1)));
  return [...ids];
}

describe('encodeUserFormState / decodeUserFormState', () => {
  it.each<[string, UserFormState]>([
    ['a new user, every collection', { mode: 'user', collectionIds: 'all' }],
    ['a new user, no collection', { mode: 'user', collectionIds: [] }],
    ['a clone with its source and collections', { mode: 'clone', sourceUsername: 'j.doe-2', collectionIds: [3, 1, 2, 10, 11, 12, 40] }],
    ['an agent with a new extension', { mode: 'agent', collectionIds: [5], newExtension: DRAFT }],
    ['an agent whose extension takes the next free number', { mode: 'agent', collectionIds: 'all', newExtension: { deviceName: 'x', deviceType: 'softphone', multiLine: false, callRecording: false, monitoring: false, voicemailAccess: false } }],
  ])('round-trips %s', (_name, state) => {
    const decoded = decodeUserFormState(encodeUserFormState(state));
    const expected = state.collectionIds === 'all' ? state : { ...state, collectionIds: [...new Set(state.collectionIds)].sort((a, b) => a - b) };
    expect(decoded).toEqual(expected);
  });

  it('keeps "all" as is and is compact', () => {
    expect(encodeUserFormState({ mode: 'user', collectionIds: 'all' })).toBe('{"m":"u","c":"all"}');
  });

  it('fits 500 collection IDs and the longest draft in 3000 characters', () => {
    for (const [seed, below] of [
      [1, 46_656],
      [2, 10_000],
      [3, 1_000],
    ] as const) {
      const ids = distinctIds(500, below, seed);
      const state: UserFormState = { mode: 'clone', sourceUsername: 'a'.repeat(20), collectionIds: ids, newExtension: LONGEST_DRAFT };
      // A clone has no draft in practice; an agent has no source: both at once is the worst case.
      const text = encodeUserFormState(state);
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(decodeUserFormState(text)).toEqual({ ...state, collectionIds: [...ids].sort((a, b) => a - b) });
    }
  });

  it('folds runs of neighbouring IDs: 1000 IDs in a row take a few characters', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => 101 + i);
    const text = encodeUserFormState({ mode: 'user', collectionIds: ids });
    expect(text.length).toBeLessThan(40);
    expect(decodeUserFormState(text).collectionIds).toEqual(ids);
  });

  it('throws rather than write metadata Slack would refuse', () => {
    const ids = distinctIds(1000, 2_000_000_000, 4);
    expect(() => encodeUserFormState({ mode: 'user', collectionIds: ids })).toThrow(/private_metadata/);
    expect(() => encodeUserFormState({ mode: 'user', collectionIds: [0] })).toThrow();
    expect(() => encodeUserFormState({ mode: 'user', collectionIds: [1.5] })).toThrow();
  });

  it.each([
    ['not JSON', '{m:u}'],
    ['empty', ''],
    ['JSON null', 'null'],
    ['an array', '["u","all"]'],
    ['an unknown mode', '{"m":"x","c":"all"}'],
    ['a missing collection choice', '{"m":"u"}'],
    ['an extra key', '{"m":"u","c":"all","admin":true}'],
    ['a prototype key', '{"m":"u","c":"all","__proto__":{"x":1}}'],
    ['a number for the IDs', '{"m":"u","c":5}'],
    ['a zero gap (repeated ID)', '{"m":"u","c":"1,0"}'],
    ['a leading zero', '{"m":"u","c":"01"}'],
    ['a negative gap', '{"m":"u","c":"-1"}'],
    ['letters outside base 36', '{"m":"u","c":"1,Z"}'],
    ['an empty token', '{"m":"u","c":"1,,2"}'],
    ['a run of a million IDs', '{"m":"u","c":"1.lfls"}'],
    ['an ID beyond 32 bits', '{"m":"u","c":"zzzzzzz"}'],
    ['a 21-character source username', `{"m":"c","s":"${'a'.repeat(21)}","c":"all"}`],
    ['an empty source username', '{"m":"c","s":"","c":"all"}'],
    ['a short draft', '{"m":"a","c":"all","x":["","name","s","",""]}'],
    ['a bad device type', '{"m":"a","c":"all","x":["","name","q","","",0]}'],
    ['a 65-character device name', `{"m":"a","c":"all","x":["","${'n'.repeat(65)}","s","","",0]}`],
    ['a key that is not a reference key', '{"m":"a","c":"all","x":["","n","s","<@U1>","",0]}'],
    ['flags out of range', '{"m":"a","c":"all","x":["","n","s","","",16]}'],
    ['too long', `{"m":"u","c":"all","pad":"${'x'.repeat(3000)}"}`],
  ])('refuses metadata with %s', (_name, text) => {
    expect(() => decodeUserFormState(text)).toThrow(new Error('invalid private_metadata'));
  });

  it('refuses what is not a string at all', () => {
    expect(() => decodeUserFormState(undefined as unknown as string)).toThrow('invalid private_metadata');
    expect(() => decodeUserFormState({ m: 'u', c: 'all' } as unknown as string)).toThrow('invalid private_metadata');
  });
});

describe('encodeIds / decodeIds', () => {
  it('writes gaps in base 36 and folds runs', () => {
    expect(encodeIds([1, 2, 3, 4, 10, 46, 47])).toBe('1.3,6,10.1');
    expect(decodeIds('1.3,6,10.1')).toEqual([1, 2, 3, 4, 10, 46, 47]);
    expect(encodeIds([])).toBe('');
    expect(decodeIds('')).toEqual([]);
  });

  it('round-trips random sets', () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(next() * 300);
      const ids = distinctIds(n, n + 1 + Math.floor(next() * 100_000), round + 10).sort((a, b) => a - b);
      expect(decodeIds(encodeIds(ids))).toEqual(ids);
    }
  });
});
