import { describe, expect, it } from 'vitest';
import { extractNewHire, type NewHireFields } from '../../../src/domain/new-hire-post.js';
import { NAME_MAX_LENGTH } from '../../../src/domain/person.js';

/**
 * The rules of the new-hire reader one by one, each case a post whose answer changes if that rule
 * breaks (they were written against StrykerJS's surviving mutants; the README lists the ones judged equivalent).
 */
const read = (post: string): NewHireFields => extractNewHire(post, 'US');
const LONGEST = 'A' + 'a'.repeat(NAME_MAX_LENGTH - 1);
const TOO_LONG = LONGEST + 'a';

type Case = [string, string, NewHireFields];
const table = (cases: Case[]) => it.each(cases)('%s', (_what, post, expected) => expect(read(post)).toStrictEqual(expected));

describe('what is read at all', () => {
  it('reads only the first 10,000 characters', () => {
    expect(read('x '.repeat(5000) + 'Email: jane@example.com')).toStrictEqual({});
    expect(read('x '.repeat(4980) + 'Email: jane@example.com')).toStrictEqual({ email: 'jane@example.com' });
  });
  table([
    ['an address alone', 'Email: jane@example.com', { email: 'jane@example.com' }],
    ['a first name and an address, no last name', 'First Name: Jane\nEmail: jane@example.com', { firstName: 'Jane', email: 'jane@example.com' }],
  ]);
});

describe('Slack markup', () => {
  table([
    ['a link shows as its label', 'Welcome <https://wiki.example.com/jane|Jane Doe>!', { firstName: 'Jane', lastName: 'Doe' }],
    ['a mailto link without a label gives its address', 'Email: <mailto:jane.doe@example.com>', { email: 'jane.doe@example.com' }],
    ['a mailto link gives its address, not its label', '<mailto:jane@example.com|Jane Doe>', { email: 'jane@example.com' }],
    ['a tel link without a label gives its number', 'Call <tel:+15555551234>', { phone: '+15555551234' }],
    ['a mention is nobody’s name here, even with a label', 'cc <@U024BE7LH|Bob Smith>', {}],
    ['a channel’s name is not a person’s', 'Questions? Ask in <#C123|Help Desk>.', {}],
    ['a group mention is dropped', 'Hi <!subteam^S0123|Tier Two>, a new agent joins on Monday.', {}],
    ['a date shows as its text', 'Welcome <!date^1717400000^{date}|Jane Doe>', { firstName: 'Jane', lastName: 'Doe' }],
    ['@here is dropped', '<!here> Jane Doe', { firstName: 'Jane', lastName: 'Doe' }],
  ]);
});

describe('addresses and links hold no name or number', () => {
  table([
    ['digits of a link after an address', 'Email: jane@example.com — profile: https://wiki.example.com/people/5555551234', { email: 'jane@example.com' }],
    ['digits of an http link', 'Please welcome Jane Doe! See http://wiki.example.com/people/5555551234', { firstName: 'Jane', lastName: 'Doe' }],
    ['digits of a www link', 'Please welcome Jane Doe! See www.example.com/5555551234', { firstName: 'Jane', lastName: 'Doe' }],
    ['digits of an address', 'Email: jane5555551234@example.com', { email: 'jane5555551234@example.com' }],
  ]);
});

describe('which address', () => {
  table([
    ['quotes and italics around it are not part of it', "Email: '_jane@example.com_'", { email: 'jane@example.com' }],
    ['one the email rules refuse is not taken', 'Email: jane..doe@example.com', {}],
    ['the labelled one, on the first line too', 'cc team@example.com · Email: ana@example.com', { email: 'ana@example.com' }],
    ['one with a name part of one letter is not chosen for that letter', 'First Name: J\nLast Name: Smith\nContacts: jobs@example.com, asmith@example.com', { firstName: 'J', lastName: 'Smith', email: 'asmith@example.com' }],
    ['two-letter name parts count', 'Welcome Bo Ng! team@example.com, ng@example.com', { firstName: 'Bo', lastName: 'Ng', email: 'ng@example.com' }],
    ['a first name alone is enough', 'First Name: Jane\nContacts: team@example.com, jane@example.com', { firstName: 'Jane', email: 'jane@example.com' }],
    ['the name must be in the part before @', 'Welcome Ana Lima! info@lima-travel.com, ana@example.com', { firstName: 'Ana', lastName: 'Lima', email: 'ana@example.com' }],
    ['one part of the name is enough', 'Welcome Jane Doe! team@example.com, jane@example.com', { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com' }],
    ['accents are dropped to compare', 'Welcome José Núñez! team@example.com, jose.nunez@example.com', { firstName: 'José', lastName: 'Núñez', email: 'jose.nunez@example.com' }],
    ['hyphens are dropped to compare', 'Welcome Mary-Kate Smith! team@example.com, marykate@example.com', { firstName: 'Mary-Kate', lastName: 'Smith', email: 'marykate@example.com' }],
  ]);
});

describe('which number', () => {
  table([
    ['the labelled one, on the first line too', 'Team line 555-555-0000 · Mobile: +44 20 7946 0958', { phone: '+44 20 7946 0958' }],
    ['a 00 number is tried as + only when nothing else is found', 'Office 0044 20 7946 0958, call 555-555-1234', { phone: '555-555-1234' }],
    ['a 00 number at the very start', '0049 30 1234567 — Anna Müller', { firstName: 'Anna', lastName: 'Müller', phone: '0049 30 1234567' }],
  ]);
  it.each(['x12', 'x 12', '#12', 'extension 12', 'ext12', 'ext. 12'])('without its extension "%s"', (ext) => {
    expect(read(`Desk: 555-555-0100 ${ext}`)).toStrictEqual({ phone: '555-555-0100' });
    expect(read(`Desk: 555-555-0100, ${ext}`)).toStrictEqual({ phone: '555-555-0100' });
  });
});

describe('names from labels', () => {
  table([
    ['an empty "First Name:" does not take the next line', 'First Name:\nLast Name: Doe', { lastName: 'Doe' }],
    ['an empty "Name:" does not take the next line', 'Name:\nEmail: jane@example.com', { email: 'jane@example.com' }],
    ['a first name alone', 'First Name: Jane', { firstName: 'Jane' }],
    ['a first name that is not a name, and a last name', 'First name: (see below)\nLast name: Doe', { lastName: 'Doe' }],
    ['a last name that is not a name', 'First Name: Jane\nLast Name: -', { firstName: 'Jane' }],
    ['names of several words', 'First Name: Mary Ann\nLast Name: van Beethoven', { firstName: 'Mary Ann', lastName: 'van Beethoven' }],
    ['two spaces inside a name', 'First Name: Mary  Ann', { firstName: 'Mary Ann' }],
    ['sentence punctuation after a name', 'First Name: Jane.\nLast Name: Doe!!', { firstName: 'Jane', lastName: 'Doe' }],
    ['a word with digits is not a name', 'First Name: Ana\nLast Name: Lima3', { firstName: 'Ana' }],
    ['at most five words', 'First Name: Mary Ann Louise Jane Beth Anne', { firstName: 'Mary Ann Louise Jane Beth' }],
    ['names of the longest length', `First Name: ${LONGEST}\nLast Name: ${LONGEST}`, { firstName: LONGEST, lastName: LONGEST }],
    ['a first name too long', `First Name: ${TOO_LONG}\nLast Name: Doe`, { lastName: 'Doe' }],
    ['a last name too long', `First Name: Jane\nLast Name: ${TOO_LONG}`, { firstName: 'Jane' }],
    ['both too long: the post is read on', `First Name: ${TOO_LONG}\nLast Name: ${TOO_LONG}\nPlease welcome Ana Lima`, { firstName: 'Ana', lastName: 'Lima' }],
    ['a label that gives nothing, then one that does', 'Name: -\nLegal name: jane doe', { firstName: 'jane', lastName: 'doe' }],
    ['a first-name label inside another label is not one', 'Manager first name: bob', {}],
    ['a bold label at the very start', '*Name:* jane doe', { firstName: 'jane', lastName: 'doe' }],
    ['a label glued to another character is not one', '#Name: jane doe', {}],
    ['a label after a number is not one', '1 Name: bob smith', {}],
    ['a single name', 'Name: Jane', { firstName: 'Jane' }],
    ['a last initial', 'Name: Jane D.', { firstName: 'Jane', lastName: 'D.' }],
    ['what follows the name', 'Name: Jane Doe 2nd shift', { firstName: 'Jane', lastName: 'Doe' }],
    ['a number after the name', 'Name: Jane Doe 42', { firstName: 'Jane', lastName: 'Doe' }],
    ['a first name of the longest length', `Name: ${LONGEST} Doe`, { firstName: LONGEST, lastName: 'Doe' }],
    ['a first name too long', `Name: ${TOO_LONG} Doe`, { lastName: 'Doe' }],
    ['a last name of the longest length', `Name: Jane ${LONGEST}`, { firstName: 'Jane', lastName: LONGEST }],
    ['a last name too long', `Name: Jane ${TOO_LONG}`, { firstName: 'Jane' }],
    ['a full name all too long: the post is read on', `Name: ${TOO_LONG} ${TOO_LONG}\nPlease welcome Jane Doe`, { firstName: 'Jane', lastName: 'Doe' }],
  ]);
});

describe('"Last, First"', () => {
  table([
    ['"Jane Doe, Sales" is not inverted', 'Name: Jane Doe, Sales', { firstName: 'Jane', lastName: 'Doe' }],
    ['followed by a dash', 'Name: Doe, Jane — Sales', { firstName: 'Jane', lastName: 'Doe' }],
    ['without a space', 'Name: Doe,Jane', { firstName: 'Jane', lastName: 'Doe' }],
    ['with a space before the comma', 'Name: Doe , Jane', { firstName: 'Jane', lastName: 'Doe' }],
    ['two first names', 'Name: Doe, Mary Ann', { firstName: 'Mary Ann', lastName: 'Doe' }],
    ['pronouns after', 'Name: Doe, Jane (she/her)', { firstName: 'Jane', lastName: 'Doe' }],
    ['a bar after', 'Name: Doe, Jane | Sales', { firstName: 'Jane', lastName: 'Doe' }],
    ['a last name of the longest length', `Name: ${LONGEST}, Jane`, { firstName: 'Jane', lastName: LONGEST }],
    ['a last name too long', `Name: ${TOO_LONG}, Jane`, {}],
    ['a first name too long', `Name: Doe, ${TOO_LONG}`, { firstName: 'Doe' }],
  ]);
});

describe('names from an introduction', () => {
  table([
    ['the one introduced, not the one who writes', 'From Maria Lopez (HR): please welcome Jane Doe!', { firstName: 'Jane', lastName: 'Doe' }],
    ['only after the introducing word', 'Hi from Ana Lima — welcome Priya!', { firstName: 'Priya' }],
    ['an initial does not end the sentence', 'From Ana Lima: welcome J. Smith!', { firstName: 'J.', lastName: 'Smith' }],
    ['a full stop does', 'Welcome Jane. Bob Smith is her manager.', { firstName: 'Jane' }],
    ['two words rather than one', 'Please welcome Dublin’s own Jane Doe!', { firstName: 'Jane', lastName: 'Doe' }],
    ['an introduction with no name: the post is read on', 'Welcome back, everyone!\nOur newest: Ana Lima', { firstName: 'Ana', lastName: 'Lima' }],
    ['two spaces inside the name', 'Please welcome Jane  Doe', { firstName: 'Jane', lastName: 'Doe' }],
  ]);
});

describe('names from capitalised words', () => {
  table([
    ['all capitals are not names', 'ACME CORP PARKING NOTICE', {}],
    ['words with digits are not names', 'Build42 Rev7 is out', {}],
    ['four words are too many', 'Ana Maria Lima Souza joins today.', {}],
    ['three words are not', 'Happy Monday Team! Our new starter Ana Maria Lima joins today.', { firstName: 'Ana', lastName: 'Maria Lima' }],
    ['words without case count only after a label or an introduction', 'Team update: 王伟 李娜 joined.', {}],
    ['particles after a name are not part of it', 'Hoy empieza Ana Lima y el equipo la recibe', { firstName: 'Ana', lastName: 'Lima' }],
  ]);
});

describe('mrkdwn formatting around a name', () => {
  table([
    ['italics at the very start', '_Jane Doe_ joins Sales today', { firstName: 'Jane', lastName: 'Doe' }],
    ['double underscores', 'Please welcome __Jane Doe__!', { firstName: 'Jane', lastName: 'Doe' }],
    ['italics in a sentence', 'Please welcome _Jane Doe_ to the team', { firstName: 'Jane', lastName: 'Doe' }],
    ['italics at the very end', 'Please welcome _Jane Doe_', { firstName: 'Jane', lastName: 'Doe' }],
  ]);
});
