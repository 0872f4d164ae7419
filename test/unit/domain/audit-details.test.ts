import { describe, expect, it } from 'vitest';
import { readAuditDetails } from '../../../src/domain/audit-details.js';

/** What a user's history shows of one audit entry's details (test/unit/slack/user-card.test.ts shows it rendered). */
describe('readAuditDetails', () => {
  it('shows nothing for details that are not a mapping', () => {
    for (const details of [null, undefined, '', 'text', 0, 7, true, [], [['requestId', 'r1']]]) {
      expect(readAuditDetails(details)).toEqual({ requestId: null, details: [] });
    }
  });

  it('takes the request id out of the list, and only when it is text', () => {
    expect(readAuditDetails({ requestId: 'r-42', reason: 'left' })).toEqual({ requestId: 'r-42', details: [['reason', 'left']] });
    expect(readAuditDetails({ requestId: 42 })).toEqual({ requestId: null, details: [] });
    expect(readAuditDetails({ username: 'jdoe' })).toEqual({ requestId: null, details: [] });
  });

  it('shows text, numbers and true/false as they are, in the order written', () => {
    expect(readAuditDetails({ reason: 'moved', extension: 1500, voicemail: false, count: 0 }).details).toEqual([
      ['reason', 'moved'],
      ['extension', '1500'],
      ['voicemail', 'false'],
      ['count', '0'],
    ]);
  });

  it('leaves out any key that looks like a secret, whatever its case, at the top and one level down', () => {
    const shown = readAuditDetails({
      password: 'p',
      PasswordHash: 'h',
      deviceSecret: 's',
      apiToken: 't',
      Credentials: 'c',
      kept: 'yes',
      changes: { hash: { from: 'a', to: 'b' }, SECRET: 'x', site: { from: 'a', to: 'b' } },
    });
    expect(shown.details).toEqual([
      ['kept', 'yes'],
      ['site', 'a → b'],
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/"[phstc]"/);
  });

  it('joins a list of up to five names or numbers, and counts a longer one', () => {
    expect(readAuditDetails({ ids: [1, 2, 3, 4, 5] }).details).toEqual([['ids', '1, 2, 3, 4, 5']]);
    expect(readAuditDetails({ ids: ['a', 2] }).details).toEqual([['ids', 'a, 2']]);
    expect(readAuditDetails({ ids: [1, 2, 3, 4, 5, 6] }).details).toEqual([['ids', '6 items']]);
    // A list holding anything else is left out, not shown as [object Object].
    expect(readAuditDetails({ ids: [1, { a: 1 }], flags: [true] }).details).toEqual([]);
  });

  it('reads a change as field: old → new, an empty side as —, and 0 or false as themselves', () => {
    expect(
      readAuditDetails({
        changes: {
          siteKey: { from: 'austin-tx', to: 'tampa-fl' },
          email: { from: null, to: 'a@b.c' },
          notes: { from: 'x', to: null },
          extensionNumber: { from: 0, to: 1500 },
          voicemailAccess: { from: false, to: true },
        },
      }).details,
    ).toEqual([
      ['siteKey', 'austin-tx → tampa-fl'],
      ['email', '— → a@b.c'],
      ['notes', 'x → —'],
      ['extensionNumber', '0 → 1500'],
      ['voicemailAccess', 'false → true'],
    ]);
  });

  it('shows other members of a mapping as key.member, and leaves out what is deeper', () => {
    expect(
      readAuditDetails({
        extension: { number: 1500, deviceType: 'softphone', freed: null, enabled: false },
        changes: {
          collections: { from: [1], to: [2] },
          half: { from: 'a' },
          toDeep: { from: 'a', to: { x: 1 } },
          fromDeep: { from: ['a'], to: 'b' },
          deep: { nested: { from: 'a', to: 'b' } },
          list: ['a'],
        },
        nothing: null,
      }).details,
    ).toEqual([
      ['extension.number', '1500'],
      ['extension.deviceType', 'softphone'],
      ['extension.freed', '—'],
      ['extension.enabled', 'false'],
    ]);
  });
});
