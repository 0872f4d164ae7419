import { describe, expect, it } from 'vitest';
import { andMore, changedMeanwhileText, changeLines, changeLineText, clipList, COLLECTIONS_NAMED_MAX, diffUser, NEW_EXTENSION, type DiffNames, type EditableUser } from '../../../src/domain/user-diff.js';
import { editableJane } from '../../support/editable-user.js';

const jane: EditableUser = editableJane();

const names: DiffNames = {
  sites: new Map([
    ['austin', 'Austin'],
    ['denver', 'Denver'],
  ]),
  departments: new Map([['sales', 'Sales']]),
  billingUnits: new Map(),
  profiles: new Map([['standard', 'Standard Agent']]),
  clusters: new Map(),
  collections: new Map([
    [1, 'Sales queue'],
    [2, 'All staff'],
    [3, 'Billing queue'],
  ]),
};

const lines = (after: Partial<EditableUser>, n: DiffNames = names) => changeLines(diffUser(jane, { ...jane, ...after }), n).map(changeLineText);

describe('diffUser and its lines', () => {
  it('finds nothing between a user and themselves', () => {
    expect(diffUser(jane, { ...jane, collectionIds: [2, 1] })).toEqual([]);
  });

  it('words changes as the issue does, in the form’s order, collections last', () => {
    expect(lines({ collectionIds: [2, 3], userType: 'supervisor', siteKey: 'denver' })).toEqual([
      'Site: Austin → Denver',
      'User Type: agent → supervisor',
      'Collections: +Billing queue, −Sales queue',
    ]);
  });

  it('shows an empty value as a dash, a key without a name as itself, booleans as Yes/No, the new extension by its words', () => {
    expect(lines({ email: null, departmentKey: 'retired-dept', voicemailAccess: true, extensionNumber: NEW_EXTENSION }, { ...names, newExtension: 'new extension 1500' })).toEqual([
      'Email: jane@example.com → —',
      'Department: Sales → retired-dept',
      'Primary Phone (Extension): 1000 → new extension 1500',
      'Voicemail Access: No → Yes',
    ]);
    expect(lines({ userType: 'non_agent', extensionNumber: null })).toEqual(['User Type: agent → non-agent', 'Primary Phone (Extension): 1000 → —']);
  });

  it('clips a long collections change to named items and "and N more", within 240 characters', () => {
    const many = Array.from({ length: 200 }, (_, i) => i + 10);
    const longNames = { ...names, collections: new Map(many.map((id) => [id, `A rather long collection name number ${id}`])) };
    const [line] = changeLines(diffUser(jane, { ...jane, collectionIds: many }), longNames);
    expect(line!.value.length).toBeLessThanOrEqual(260);
    expect(line!.value).toMatch(/ and \d+ more$/);
    const named = line!.value.replace(/ and \d+ more$/, '').split(', ');
    expect(named.length).toBeLessThanOrEqual(COLLECTIONS_NAMED_MAX);
    expect(Number(/and (\d+) more$/.exec(line!.value)![1]) + named.length).toBe(202);
  });

  it('clips lists and words the rest', () => {
    expect(clipList([1, 2, 3, 4], 2)).toEqual({ shown: [1, 2], more: 2 });
    expect(clipList([1, 2], 2)).toEqual({ shown: [1, 2], more: 0 });
    expect(andMore(3)).toBe('and 3 more');
  });

  it('says what changed meanwhile, at most three changes named', () => {
    expect(changedMeanwhileText(jane, jane, names)).toBeNull();
    expect(changedMeanwhileText(jane, { ...jane, siteKey: 'denver' }, names)).toBe('Site is now Denver');
    expect(changedMeanwhileText(jane, { ...jane, firstName: 'J', lastName: 'D', phone: '+1', notes: 'x', collectionIds: [1] }, names)).toBe(
      'First Name is now J; Last Name is now D; Phone Number is now +1; and 2 more',
    );
    expect(changedMeanwhileText(jane, { ...jane, collectionIds: [1] }, names)).toBe('Collections: −All staff');
  });
});

describe('a long value in a reason', () => {
  it('is cut to 80 characters', () => {
    const text = changedMeanwhileText(jane, { ...jane, notes: 'n'.repeat(2000) }, names)!;
    expect(text.length).toBeLessThan(100);
    expect(text).toMatch(/^Notes is now n+…$/);
  });
});
