import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIds, encodeIds } from '../../../src/slack/views/user-form-state.js';

/**
 * Property tests of the collection-ID packing in private_metadata (encodeIds / decodeIds): for every
 * sorted set of distinct IDs the use case accepts (1 to 2^31 - 1, at most 1000 of them), decoding the
 * encoding gives the set back, and the text never gets longer than a plain comma-separated list.
 */

const MAX_ID = 2_147_483_647;
const MAX_IDS = 1000;

const sortedUnique = (ids: readonly number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** Any IDs over the whole range: mostly large, isolated gaps. */
const scatteredIds = fc.uniqueArray(fc.integer({ min: 1, max: MAX_ID }), { maxLength: MAX_IDS }).map(sortedUnique);

/** IDs built from runs of neighbours with small or large gaps between them, as real choices look. */
const runsOfIds = fc
  .array(fc.record({ gap: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50_000_000 })), run: fc.integer({ min: 0, max: 60 }) }), { maxLength: 60 })
  .map((parts) => {
    const ids: number[] = [];
    let previous = 0;
    for (const { gap, run } of parts) {
      const first = previous + gap;
      for (let id = first; id <= first + run && id <= MAX_ID && ids.length < MAX_IDS; id++) ids.push(id);
      previous = first + run;
      if (previous >= MAX_ID || ids.length >= MAX_IDS) break;
    }
    return ids;
  });

/** Sets against the edges: the lowest and highest ID, and the most IDs allowed. */
const edgeIds = fc.constantFrom<number[]>(
  [],
  [1],
  [MAX_ID],
  [1, MAX_ID],
  [MAX_ID - 1, MAX_ID],
  Array.from({ length: MAX_IDS }, (_, i) => i + 1),
  Array.from({ length: MAX_IDS }, (_, i) => MAX_ID - MAX_IDS + 1 + i),
  Array.from({ length: MAX_IDS }, (_, i) => 1 + i * 2),
  Array.from({ length: MAX_IDS }, (_, i) => 1 + i * 2_000_000),
);

const anyIdSet = fc.oneof(scatteredIds, runsOfIds, edgeIds);

describe('encodeIds / decodeIds (property)', () => {
  it('decoding the encoding of any sorted set of distinct IDs gives the same set back', () => {
    fc.assert(
      fc.property(anyIdSet, (ids) => {
        expect(decodeIds(encodeIds(ids))).toEqual(ids);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes the same set the same way whatever the order and repetitions it arrives in', () => {
    fc.assert(
      fc.property(
        anyIdSet.filter((ids) => ids.length > 0),
        fc.infiniteStream(fc.nat()),
        (ids, picks) => {
          const shuffled = [...ids, ...ids.slice(0, 5)];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (picks.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as number, shuffled[i] as number];
          }
          expect(encodeIds(shuffled)).toBe(encodeIds(ids));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is never longer than the IDs written out in base 10, comma-separated', () => {
    fc.assert(
      fc.property(anyIdSet, (ids) => {
        expect(encodeIds(ids).length).toBeLessThanOrEqual(ids.join(',').length);
      }),
      { numRuns: 300 },
    );
  });
});
