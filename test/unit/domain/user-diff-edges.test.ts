import { describe, expect, it } from 'vitest';
import { changedMeanwhileText, changeLines, changeLineText, clipList, diffUser, NEW_EXTENSION, type DiffNames, type EditableUser } from '../../../src/domain/user-diff.js';
import type { UserType } from '../../../src/domain/user-types.js';
import { editableJane } from '../../support/editable-user.js';

/** user-diff.test.ts has the common cases; these are the edges: every field's label, sorting, clipping at its limits. */
const jane: EditableUser = editableJane({ voicemailAccess: true });

const names: DiffNames = {
  sites: new Map([['austin', 'Austin'], ['denver', 'Denver']]),
  departments: new Map([['sales', 'Sales'], ['support', 'Support']]),
  billingUnits: new Map([['bu-1', 'Retail']]),
  profiles: new Map([['standard', 'Standard Agent'], ['senior', 'Senior Agent']]),
  clusters: new Map([['c-east', 'East']]),
  collections: new Map([[1, 'Sales queue'], [2, 'All staff']]),
};

const lines = (after: Partial<EditableUser>, n: DiffNames = names) => changeLines(diffUser(jane, { ...jane, ...after }), n).map(changeLineText);

describe('every field of the Edit form', () => {
  it('reads with its form label and its value’s words, in the form’s order', () => {
    expect(
      lines({
        notes: 'Night shift',
        recordingAccess: true,
        voicemailAccess: false,
        extensionNumber: 1500,
        userType: 'admin',
        clusterKey: 'c-east',
        profileKey: 'senior',
        billingUnitKey: 'bu-1',
        departmentKey: 'support',
        siteKey: 'denver',
        description: 'Team lead',
        email: 'j.doe@example.com',
        phone: '+15555550000',
        lastName: 'Roe',
        firstName: 'Janet',
        collectionIds: [1, 2, 99],
      }),
    ).toEqual([
      'First Name: Jane → Janet',
      'Last Name: Doe → Roe',
      'Phone Number: +15555551234 → +15555550000',
      'Email: jane@example.com → j.doe@example.com',
      'Description: — → Team lead',
      'Site: Austin → Denver',
      'Department: Sales → Support',
      'Billing Unit: — → Retail',
      'Profile: Standard Agent → Senior Agent',
      'Clusters: — → East',
      'User Type: agent → admin',
      'Primary Phone (Extension): 1000 → 1500',
      'Voicemail Access: Yes → No',
      'Recording Access: No → Yes',
      'Notes: — → Night shift',
      // A collection without a name (deleted since) is named by its id.
      'Collections: +collection 99',
    ]);
  });

  it('shows an empty text as a dash, the new extension as "new extension" by default, and an unknown user type as it is', () => {
    expect(lines({ email: '', extensionNumber: NEW_EXTENSION })).toEqual(['Email: jane@example.com → —', 'Primary Phone (Extension): 1000 → new extension']);
    expect(lines({ userType: 'guest' as UserType })).toEqual(['User Type: agent → guest']);
    expect(lines({ userType: 'constructor' as UserType })).toEqual(['User Type: agent → constructor']);
  });

  it('is unchanged when a value is the same, and changed when only its type differs', () => {
    expect(diffUser(jane, { ...jane })).toEqual([]);
    expect(diffUser(jane, { ...jane, extensionNumber: null })).toEqual([{ field: 'extensionNumber', before: 1000, after: null }]);
  });
});

describe('a collections change', () => {
  it('lists additions then removals, each in ascending id order (numbers, not text)', () => {
    const many = new Map([4, 12, 30, 5, 40].map((id) => [id, `c${id}`]));
    const before = { ...jane, collectionIds: [40, 5] };
    const after = { ...jane, collectionIds: [30, 4, 12] };
    expect(diffUser(before, after)).toEqual([{ field: 'collectionIds', added: [4, 12, 30], removed: [5, 40] }]);
    expect(changeLines(diffUser(before, after), { ...names, collections: many }).map(changeLineText)).toEqual(['Collections: +c4, +c12, +c30, −c5, −c40']);
  });

  const added = (count: number, nameLength: number) => {
    const ids = Array.from({ length: count }, (_, i) => 100 + i);
    const collections = new Map(ids.map((id) => [id, `${id}`.padEnd(nameLength, 'x')]));
    return changeLines(diffUser({ ...jane, collectionIds: [] }, { ...jane, collectionIds: ids }), { ...names, collections })[0]!.value;
  };

  it('names at most ten, counting the rest', () => {
    expect(added(10, 3).split(', ')).toHaveLength(10);
    expect(added(10, 3)).not.toContain('more');
    expect(added(11, 3)).toMatch(/^(\+\d{3}, ){9}\+\d{3} and 1 more$/);
  });

  it('names as many as fit in 240 characters, a separator counted for each', () => {
    // Each item is "+" and 57 characters, 60 with its separator: four fill 240 exactly, a fifth does not fit.
    expect(added(5, 57)).toMatch(/^(\+10\dx{54}, ){3}\+10\dx{54} and 1 more$/);
    expect(added(4, 57)).not.toContain('more');
  });

  it('still shows one over-long name, cut to 240 characters, and counts the others', () => {
    const one = added(1, 300);
    expect([...one]).toHaveLength(240);
    expect(one).toMatch(/^\+100x+…$/);
    expect(added(2, 300)).toMatch(/^\+100x{235}… and 1 more$/);
  });

  it('cuts a lone name only when it is longer than 240 characters, and adds "…" only when it cut', () => {
    // 240 and 239 characters with the "+": both fit, and are shown whole (the first once lost its last
    // character for a "…", the second got a "…" though nothing was cut).
    expect(added(1, 239)).toBe(`+100${'x'.repeat(236)}`);
    expect(added(1, 238)).toBe(`+100${'x'.repeat(235)}`);
    const cut = added(1, 240);
    expect([...cut]).toHaveLength(240);
    expect(cut).toBe(`+100${'x'.repeat(235)}…`);
  });

  it('names a removed collection without a name by its id, and reads an empty change as nothing', () => {
    expect(lines({ collectionIds: [1] }).at(-1)).toBe('Collections: −All staff');
    expect(changeLines(diffUser(jane, { ...jane, collectionIds: [1, 77] }), { ...names, collections: new Map([[1, 'Sales queue']]) }).map(changeLineText)).toEqual([
      'Collections: +collection 77, −collection 2',
    ]);
    expect(changeLines([{ field: 'collectionIds', added: [], removed: [] }], names)).toEqual([{ label: 'Collections', value: '', after: '' }]);
  });
});

describe('clipping', () => {
  it('clips to none for a limit of zero or below, counting them all', () => {
    expect(clipList([1, 2, 3], 0)).toEqual({ shown: [], more: 3 });
    expect(clipList([1, 2, 3], -2)).toEqual({ shown: [], more: 3 });
    expect(clipList([], 0)).toEqual({ shown: [], more: 0 });
    expect(clipList([1, 2, 3], 3)).toEqual({ shown: [1, 2, 3], more: 0 });
    expect(clipList([1], 3)).toEqual({ shown: [1], more: 0 });
  });

  it('names three changes meanwhile without "more", and counts a fourth', () => {
    expect(changedMeanwhileText(jane, { ...jane, firstName: 'A', lastName: 'B', notes: 'C' }, names)).toBe('First Name is now A; Last Name is now B; Notes is now C');
    expect(changedMeanwhileText(jane, { ...jane, firstName: 'A', lastName: 'B', notes: 'C', email: null }, names)).toBe(
      'First Name is now A; Last Name is now B; Email is now —; and 1 more',
    );
    expect(changedMeanwhileText(jane, { ...jane, firstName: 'A', lastName: 'B' }, names, 1)).toBe('First Name is now A; and 1 more');
  });

  it('keeps a value of 80 characters whole and cuts a longer one to 80, counting characters, not UTF-16 units', () => {
    expect(changedMeanwhileText(jane, { ...jane, notes: 'n'.repeat(80) }, names)).toBe(`Notes is now ${'n'.repeat(80)}`);
    expect(changedMeanwhileText(jane, { ...jane, notes: 'n'.repeat(81) }, names)).toBe(`Notes is now ${'n'.repeat(79)}…`);
    expect(changedMeanwhileText(jane, { ...jane, notes: '😀'.repeat(80) }, names)).toBe(`Notes is now ${'😀'.repeat(80)}`);
    expect(changedMeanwhileText(jane, { ...jane, notes: '😀'.repeat(81) }, names)).toBe(`Notes is now ${'😀'.repeat(79)}…`);
  });
});
