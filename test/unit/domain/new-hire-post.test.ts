import { describe, expect, it } from 'vitest';
import type { CountryCode } from '../../../src/domain/phone.js';
import { extractNewHire, type NewHireFields } from '../../../src/domain/new-hire-post.js';

describe('extractNewHire', () => {
  it.each<[string, string, NewHireFields]>([
    [
      'a structured post in Slack mrkdwn',
      '*New hire announcement* :tada:\n*Name:* Jane Doe\n*Email:* <mailto:jane.doe@example.com|jane.doe@example.com>\n*Phone:* (555) 555-1234\n*Start date:* Monday',
      { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', phone: '(555) 555-1234' },
    ],
    [
      'a sentence with a welcome',
      'Please welcome Jane Doe, starting Monday. jane.doe@example.com, (555) 555-1234',
      { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', phone: '(555) 555-1234' },
    ],
    ['a "New hire:" line with accents and a hyphen', 'New hire: José Núñez-García', { firstName: 'José', lastName: 'Núñez-García' }],
    [
      'a bulleted list with an Irish mobile',
      '• Full Name: Zoë O’Brien\n• Email: zoe.obrien@example.ie\n• Mobile: +353 85 123 4567',
      { firstName: 'Zoë', lastName: 'O’Brien', email: 'zoe.obrien@example.ie', phone: '+353 85 123 4567' },
    ],
    [
      'a warm welcome with a UK number and a mailto link',
      'Please join me in welcoming Siobhán Ní Bhriain to the Dublin team! :wave: Reach her at <mailto:siobhan@example.com|siobhan@example.com> or +44 20 7946 0958.',
      { firstName: 'Siobhán', lastName: 'Ní Bhriain', email: 'siobhan@example.com', phone: '+44 20 7946 0958' },
    ],
    ['a Cyrillic name and a Russian number', 'Name: Дмитрий Иванов\nPhone: +7 912 345-67-89', { firstName: 'Дмитрий', lastName: 'Иванов', phone: '+7 912 345-67-89' }],
    ['"Last, First" and a dotted number', 'Employee Name: Doe, Jane\nCell: 555.555.1234', { firstName: 'Jane', lastName: 'Doe', phone: '555.555.1234' }],
    [
      'a German post with a 00 international prefix',
      'Neue Kollegin — Name: Anna Müller, Telefon: 0049 30 1234567',
      { firstName: 'Anna', lastName: 'Müller', phone: '0049 30 1234567' },
    ],
    [
      'two people: the new hire is the one welcomed, and the address with their name',
      'Please welcome Jane Doe, reporting to Bob Smith <mailto:bob.smith@example.com|bob.smith@example.com>. Her address: jane.doe@example.com',
      { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
    ],
    [
      'a particle in the name and a desk extension',
      'Say hello to Ludwig van Beethoven! He joins Sales on 2024-05-06. Desk phone: 555-555-0100 ext. 12',
      { firstName: 'Ludwig', lastName: 'van Beethoven', phone: '555-555-0100' },
    ],
    [
      'a role before the name',
      'Please welcome our new Sales agent, Mary-Kate O’Neil! mk.oneil@example.com',
      { firstName: 'Mary-Kate', lastName: 'O’Neil', email: 'mk.oneil@example.com' },
    ],
    [
      'capitalised words only, among greetings and team names',
      'Happy Monday Team! Our new starter Priya Raghunathan joins Customer Service today.',
      { firstName: 'Priya', lastName: 'Raghunathan' },
    ],
    [
      'separate first and last name labels, italic address',
      'First Name: Jane\nLast Name: Doe\nEmail: _jane@x.com_',
      { firstName: 'Jane', lastName: 'Doe', email: 'jane@x.com' },
    ],
    ['a middle initial', 'Welcome Jane Q. Public to HR', { firstName: 'Jane Q.', lastName: 'Public' }],
    [
      'bold name, pronouns, an emoji and a tel link',
      'Please welcome :wave: *Jane Doe* (she/her) — starting on the 5th! Call <tel:+15555551234|555-555-1234>',
      { firstName: 'Jane', lastName: 'Doe', phone: '555-555-1234' },
    ],
  ])('reads %s', (_what, post, expected) => {
    expect(extractNewHire(post, 'US')).toStrictEqual(expected);
  });

  it('uses the default country for a national number', () => {
    expect(extractNewHire('New starter — Name: Tom Smith, Mobile 07700 900123', 'GB')).toStrictEqual({ firstName: 'Tom', lastName: 'Smith', phone: '07700 900123' });
  });

  it('prefers the labelled phone and email over others in the post', () => {
    const post = 'Welcome Ana Lima! Team line 555-555-0000, team@example.com\nEmail: ana.lima@example.com\nMobile: +55 11 91234-5678';
    expect(extractNewHire(post, 'US')).toStrictEqual({ firstName: 'Ana', lastName: 'Lima', email: 'ana.lima@example.com', phone: '+55 11 91234-5678' });
  });

  it('does not take a username or a manager for the name', () => {
    expect(extractNewHire('Username: jdoe\nManager Name: Bob Smith', 'US')).toStrictEqual({ firstName: 'Bob', lastName: 'Smith' });
    expect(extractNewHire('Manager Name: bob smith', 'US')).toStrictEqual({});
  });

  it.each([
    'Reminder: benefits enrollment closes Friday. Questions? Ask in <#C123|hr-help>.',
    'Please welcome <@U024BE7LH> to the team!',
    'FYI HR IT ONBOARDING TODAY',
    '',
    '   ',
  ])('returns nothing for a post with nothing useful: %j', (post) => {
    expect(extractNewHire(post, 'US')).toStrictEqual({});
  });

  it('never throws, even on odd input, and stays quick on long text', () => {
    const odd: unknown[] = [undefined, null, 42, '<'.repeat(5000), '1 '.repeat(5000), 'welcome '.repeat(3000), 'a.'.repeat(6000) + '@x'];
    for (const input of odd) {
      const started = Date.now();
      expect(() => extractNewHire(input as string, 'US')).not.toThrow();
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect(() => extractNewHire('Phone: 555-555-1234', 'ZZ' as CountryCode)).not.toThrow();
  });
});
