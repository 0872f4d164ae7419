import { describe, expect, it } from 'vitest';
import { matchReference } from '../../../src/domain/reference-match.js';

const SITES = [
  { key: 'austin-tx', name: 'Austin, TX' },
  { key: 'austin-south', name: 'Austin South' },
  { key: 'tampa', name: 'Tampa, FL' },
  { key: 'remote', name: 'Billing Remote' },
];
const keys = (found: { key: string }[]) => found.map((s) => s.key);

describe('matchReference', () => {
  it('an exact key or name wins alone, whatever the case and surrounding space', () => {
    expect(keys(matchReference('austin-tx', SITES))).toEqual(['austin-tx']);
    expect(keys(matchReference('  AUSTIN-TX ', SITES))).toEqual(['austin-tx']);
    expect(keys(matchReference('austin south', SITES))).toEqual(['austin-south']);
    expect(keys(matchReference('TAMPA, fl', SITES))).toEqual(['tampa']);
  });

  it('an exact key wins over items that merely contain the word', () => {
    // "remote" is a key exactly, and part of no other item; "tampa" is a key and part of a name.
    expect(keys(matchReference('remote', SITES))).toEqual(['remote']);
    const items = [{ key: 'sales', name: 'Sales' }, { key: 'sales-2', name: 'Inside Sales' }];
    expect(keys(matchReference('Sales', items))).toEqual(['sales']);
  });

  it('an exact key alone wins, and an exact name alone wins, over items that contain it', () => {
    const texas = [{ key: 'tx', name: 'Texas' }, { key: 'tx-2', name: 'Texas South' }];
    expect(keys(matchReference('TX', texas))).toEqual(['tx']);
    const sales = [{ key: 'a1', name: 'Sales' }, { key: 'a2', name: 'Sales Support' }];
    expect(keys(matchReference('sales', sales))).toEqual(['a1']);
    expect(keys(matchReference('SALES', sales))).toEqual(['a1']);
  });

  it('otherwise every item whose key or name contains the word, in their order', () => {
    expect(keys(matchReference('austin', SITES))).toEqual(['austin-tx', 'austin-south']);
    expect(keys(matchReference('SOUTH', SITES))).toEqual(['austin-south']);
    // In the name only, and in the key only.
    expect(keys(matchReference('billing', SITES))).toEqual(['remote']);
    expect(keys(matchReference('-tx', SITES))).toEqual(['austin-tx']);
    expect(keys(matchReference('nowhere', SITES))).toEqual([]);
  });

  it('a blank word names nothing (not every item)', () => {
    expect(matchReference('', SITES)).toEqual([]);
    expect(matchReference('   ', SITES)).toEqual([]);
  });
});
