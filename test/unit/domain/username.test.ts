import { describe, it, expect } from 'vitest';
import {
  USERNAME_MAX_LENGTH,
  suggestUsername,
  usernameBaseFromName,
  usernameKey,
  usernameTakenMessage,
  validateUsername,
} from '../../../src/domain/username.js';

describe('validateUsername', () => {
  it('limits usernames to 20 characters', () => {
    expect(USERNAME_MAX_LENGTH).toBe(20);
  });

  it.each(['', '   ', '\t\n'])('requires a username (%j)', (raw) => {
    const result = validateUsername(raw);
    expect(result).toEqual({ ok: false, issue: { field: 'username', code: 'required', message: 'Username is required' } });
  });

  it('accepts a single character', () => {
    expect(validateUsername('j')).toEqual({ ok: true, username: 'j' });
  });

  it('accepts exactly 20 characters', () => {
    const twenty = 'a'.repeat(20);
    expect(validateUsername(twenty)).toEqual({ ok: true, username: twenty });
  });

  it('refuses 21 characters with a message naming the limit', () => {
    const result = validateUsername('a'.repeat(21));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.field).toBe('username');
    expect(result.issue.code).toBe('too_long');
    expect(result.issue.message).toBe('Username can be at most 20 characters (this one has 21)');
  });

  it('trims before counting and returns the trimmed username', () => {
    expect(validateUsername(`  ${'b'.repeat(20)}  `)).toEqual({ ok: true, username: 'b'.repeat(20) });
    expect(validateUsername(' jdoe ')).toEqual({ ok: true, username: 'jdoe' });
  });

  it('keeps the case as typed', () => {
    expect(validateUsername('JDoe')).toEqual({ ok: true, username: 'JDoe' });
  });

  it.each(['j.doe', 'j_doe', 'j-doe', 'JDoe2', '007', 'a.b_c-d'])('accepts letters, digits, dot, underscore and hyphen: %s', (u) => {
    expect(validateUsername(u)).toEqual({ ok: true, username: u });
  });

  it.each(['j doe', 'jdoe@abc', 'josé', 'j+doe', 'jdoe!', 'j/doe', 'ｊdoe', 'j\u200bdoe', '李四'])('refuses %j', (u) => {
    const result = validateUsername(u);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('invalid_format');
    expect(result.issue.field).toBe('username');
    expect(result.issue.message).toMatch(/only letters, digits/);
  });

  it('counts code points, so 21 emoji are too long rather than 42', () => {
    const result = validateUsername('😀'.repeat(21));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.message).toContain('this one has 21');
  });
});

describe('usernameKey', () => {
  it('makes case differences the same key', () => {
    expect(usernameKey('JDoe')).toBe('jdoe');
    expect(usernameKey('jdoe')).toBe(usernameKey('JDOE'));
    expect(usernameKey('j.Doe-2')).toBe('j.doe-2');
  });
});

describe('usernameBaseFromName', () => {
  it.each([
    ['Jane', 'Doe', 'jdoe'],
    ['José', 'Núñez-García', 'jnunez-garcia'],
    ['Élodie', 'Łukasz', 'elukasz'],
    ['Hans', 'Weiß', 'hweiss'],
    ['Søren', 'Kierkegaard', 'skierkegaard'],
    ['Ærø', 'Dæhlie', 'adaehlie'],
    ['Đorđe', 'Đoković', 'ddokovic'],
    ['Björn', 'Ørsted', 'borsted'],
    ['Mary-Jane', "O'Brien", 'mobrien'],
    ['Jan', 'van der Berg', 'jvanderberg'],
    ['JANE', 'DOE', 'jdoe'],
    ['  Jane ', ' Doe  ', 'jdoe'],
    ['Zoë', 'Saldaña', 'zsaldana'],
    ['İsmail', 'Işık', 'iisik'],
  ])('%s %s → %s', (first, last, expected) => {
    expect(usernameBaseFromName(first, last)).toBe(expected);
  });

  it('handles names typed in decomposed form (NFD) the same as composed', () => {
    expect(usernameBaseFromName('Jose\u0301', 'Nu\u0303n\u0303ez')).toBe('jnunez');
  });

  it('truncates to 20 characters', () => {
    const base = usernameBaseFromName('Maximilian', 'Wolfeschlegelsteinhausenbergerdorff');
    expect(base).toBe('mwolfeschlegelsteinh');
    expect(base).toHaveLength(20);
  });

  it('drops punctuation left at either end after truncation or cleaning', () => {
    expect(usernameBaseFromName('Jane', '-Doe-')).toBe('jdoe');
    // 19 letters then a hyphen at position 20: the cut leaves a trailing hyphen, which is removed.
    expect(usernameBaseFromName('A', 'bcdefghijklmnopqrs-tuv')).toBe('abcdefghijklmnopqrs');
  });

  it('uses the last name alone when the first name has nothing usable', () => {
    expect(usernameBaseFromName('李', 'Smith')).toBe('smith');
  });

  it('uses the initial alone when the last name has nothing usable', () => {
    expect(usernameBaseFromName('Anna', '王')).toBe('a');
  });

  it.each([
    ['王', '小明'],
    ['Дмитрий', 'Иванов'],
    ['', ''],
    ['-', '.'],
  ])('falls back to "user" for %s %s', (first, last) => {
    expect(usernameBaseFromName(first, last)).toBe('user');
  });

  it('always yields a valid username', () => {
    const names: [string, string][] = [
      ['Jane', 'Doe'],
      ['José', 'Núñez-García'],
      ['王', '小明'],
      ['X', 'a'.repeat(40)],
      ['Ñ', '__--..'],
    ];
    for (const [f, l] of names) expect(validateUsername(usernameBaseFromName(f, l)).ok).toBe(true);
  });
});

describe('suggestUsername', () => {
  const takenOf = (...names: string[]) => {
    const set = new Set(names);
    return (candidate: string) => set.has(candidate);
  };

  it('returns the base when it is free', () => {
    expect(suggestUsername('jdoe', takenOf())).toBe('jdoe');
  });

  it('returns base2 when only the base is taken', () => {
    expect(suggestUsername('jdoe', takenOf('jdoe'))).toBe('jdoe2');
  });

  it('returns the first free number, skipping taken ones', () => {
    expect(suggestUsername('jdoe', takenOf('jdoe', 'jdoe2', 'jdoe3'))).toBe('jdoe4');
  });

  it('fills a gap rather than counting past the highest', () => {
    expect(suggestUsername('jdoe', takenOf('jdoe', 'jdoe3'))).toBe('jdoe2');
  });

  it('asks with the lower-case candidate so case differences count as taken', () => {
    const asked: string[] = [];
    const result = suggestUsername('JDoe', (c) => {
      asked.push(c);
      return c === 'jdoe';
    });
    expect(asked).toEqual(['jdoe', 'jdoe2']);
    expect(result).toBe('JDoe2');
  });

  it('cuts a 20-character base to 19 characters before adding "2"', () => {
    const base = 'abcdefghijklmnopqrst';
    const result = suggestUsername(base, takenOf(base));
    expect(result).toBe('abcdefghijklmnopqrs2');
    expect(result).toHaveLength(20);
  });

  it('cuts to 18 characters once the number has two digits', () => {
    const base = 'abcdefghijklmnopqrst';
    const taken = new Set([base]);
    for (let n = 2; n <= 9; n++) taken.add(base.slice(0, 19) + String(n));
    const result = suggestUsername(base, (c) => taken.has(c));
    expect(result).toBe('abcdefghijklmnopqr10');
    expect(result).toHaveLength(20);
  });

  it('does not cut a short base', () => {
    const nineteen = 'a'.repeat(19);
    expect(suggestUsername(nineteen, takenOf(nineteen))).toBe(`${nineteen}2`);
  });

  it('never suggests more than 20 characters, even from an over-long base', () => {
    const result = suggestUsername('x'.repeat(30), () => false);
    expect(result).toBe('x'.repeat(20));
  });

  it('suggests something valid for an empty base', () => {
    expect(suggestUsername('', takenOf())).toBe('user');
    expect(suggestUsername('', takenOf('user'))).toBe('user2');
  });

  it('gives up with an error instead of looping forever when everything is taken', () => {
    expect(() => suggestUsername('jdoe', () => true)).toThrow(Error);
  });
});

describe('usernameTakenMessage', () => {
  it('says the name is taken and offers the suggestion, word for word', () => {
    expect(usernameTakenMessage('jdoe', 'jdoe2')).toBe('Username jdoe is already taken — try jdoe2');
  });
});

describe('usernames from names: letters Unicode does not decompose, and punctuation at the ends', () => {
  it.each([
    ['Zoë', 'Œdipe', 'zoedipe'],
    ['Ari', 'Ðóra', 'adora'],
    ['Thor', 'Þórsson', 'tthorsson'],
    ['Ida', 'Straße', 'istrasse'],
    ['Åse', 'Ærø', 'aaero'],
  ])('%s %s → %s', (first, last, expected) => {
    expect(usernameBaseFromName(first, last)).toBe(expected);
  });

  it('drops every punctuation mark at the start of the last name and at the end of the cut result', () => {
    expect(usernameBaseFromName('Jo', '--.Smith')).toBe('jsmith');
    expect(usernameBaseFromName('Jo', 'Smith-.-')).toBe('jsmith');
    expect(usernameBaseFromName('Jo', 'Abcdefghijklmnopq-.tuv')).toBe('jabcdefghijklmnopq');
  });

  it('gives up after the guard’s last attempt, and only then', () => {
    let asked = 0;
    expect(() => suggestUsername('busy', () => (asked++, true))).toThrow(/no free username/);
    expect(asked).toBe(100_000);
    expect(suggestUsername('busy', (c) => c !== 'busy100000')).toBe('busy100000');
  });
});
