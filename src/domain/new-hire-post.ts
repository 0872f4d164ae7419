import { findPhoneNumbersInText, type CountryCode } from './phone.js';
import { parseEmail } from './email.js';
import { NAME_MAX_LENGTH } from './person.js';

/**
 * Reads a new-hire post from an HR channel to prefill the new-user modal: name, email and phone where
 * the post has them. Posts are free text, often Slack mrkdwn (`*Name:* Jane Doe`,
 * `<mailto:jane@x.com|jane@x.com>`), so this is a best guess: the requester sees every value in the
 * modal before submitting. It returns only what it found and never throws.
 */
export interface NewHireFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  /** As written in the post, e.g. "(555) 555-1234": the modal validates it like typed input. */
  phone?: string;
}

// Longer posts are not announcements; bounding the input bounds the work of every pattern below.
const MAX_TEXT = 10_000;

export function extractNewHire(text: string, defaultCountry: CountryCode): NewHireFields {
  // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: without this guard extract() still gives {} for blank text and its try/catch gives {} for a non-string
  if (typeof text !== 'string' || text.trim() === '') return {};
  try {
    return extract(text.slice(0, MAX_TEXT), defaultCountry);
  // Stryker disable next-line BlockStatement: no input is known to throw; the catch is a guard, its {} cannot be told from an empty result
  } catch {
    return {};
  }
}

function extract(raw: string, country: CountryCode): NewHireFields {
  const plain = toPlainText(raw);
  const emails = findEmails(plain);
  // Names and numbers are looked for where addresses and links are not: "jane.doe2024@x.com" holds
  // neither a phone number nor capitalised words.
  const masked = mask(mask(plain, emails.map((e) => e.span)), findUrls(plain));

  const out: NewHireFields = {};
  const name = findName(masked);
  if (name?.first) out.firstName = name.first;
  if (name?.last) out.lastName = name.last;
  const email = pickEmail(emails, name);
  if (email) out.email = email;
  const phone = findPhone(masked, country);
  if (phone) out.phone = phone;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Slack markup → plain text

/**
 * Unwraps Slack's `<…>` markup: `<mailto:a@b|label>` → the address, `<tel:…|label>` and `<url|label>` →
 * the label, a bare `<url>` → nothing (a link is not a name or a number), mentions and specials →
 * their label if any. Then the three HTML entities Slack encodes. Same-line structure is kept.
 */
function toPlainText(text: string): string {
  const unwrapped = text.replace(/<([^<>\n]*)>/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? '' : inner.slice(bar + 1);
    // Stryker disable next-line MethodExpression,StringLiteral: the address pattern stops at ':' and '?', so the scheme and the query never reach the address
    if (/^mailto:/i.test(target)) return ` ${target.slice('mailto:'.length).split('?')[0] ?? ''} `;
    if (/^tel:/i.test(target)) return ` ${label || target.slice('tel:'.length)} `;
    if (target.startsWith('@') || target.startsWith('#')) return ' ';
    if (target.startsWith('!')) return target.startsWith('!date') ? ` ${label} ` : ' ';
    return ` ${label} `;
  });
  return unwrapped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

interface Span {
  start: number;
  end: number;
}

/** Blanks the spans out with spaces, so offsets into the text stay the same. */
function mask(text: string, spans: readonly Span[]): string {
  let out = text;
  for (const { start, end } of spans) out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  return out;
}

function findUrls(text: string): Span[] {
  return [...text.matchAll(/\b(?:https?:\/\/|www\.)\S+/gi)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

// ---------------------------------------------------------------------------------------------------
// Email

// Bounded parts (RFC 5321: 64 for the local part, 63 a label) keep the search linear on long text.
const EMAIL = /[\p{L}\p{N}._%+'-]{1,64}@(?:[\p{L}\p{N}-]{1,63}\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}])/gu;
const EMAIL_LABEL = /\b(?:e-?mail|email address|work email)\b/i;

interface FoundEmail {
  email: string;
  span: Span;
  labelled: boolean;
}

function findEmails(text: string): FoundEmail[] {
  const found: FoundEmail[] = [];
  for (const m of text.matchAll(EMAIL)) {
    // Italics (`_jane@x.com_`) and sentence punctuation are not part of the address.
    const lead = /^[._'-]+/.exec(m[0])?.[0].length ?? 0;
    const email = m[0].slice(lead);
    const checked = parseEmail(email);
    if (!checked.ok || checked.email === null) continue;
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    found.push({ email: checked.email, span: { start: m.index, end: m.index + m[0].length }, labelled: EMAIL_LABEL.test(text.slice(lineStart, m.index)) });
  }
  return found;
}

/** An address labelled "Email:" first, then one that carries the new hire's name, then the first one. */
function pickEmail(emails: readonly FoundEmail[], name: FoundName | null): string | undefined {
  const labelled = emails.find((e) => e.labelled);
  if (labelled) return labelled.email;
  if (name) {
    const parts = [name.first, name.last].filter((p): p is string => !!p).map(fold).filter((p) => p.length >= 2);
    const local = (e: FoundEmail): string => fold(e.email.slice(0, e.email.indexOf('@')));
    const named = emails.find((e) => parts.some((p) => local(e).includes(p)));
    if (named) return named.email;
  }
  return emails[0]?.email;
}

/** Lower case, accents dropped, letters only: "Núñez-García" → "nunezgarcia". */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

// ---------------------------------------------------------------------------------------------------
// Phone

const PHONE_LABEL = /\b(?:phone|mobile|cell(?:phone)?|tel(?:ephone)?|contact number|phone number)\b/i;

/**
 * libphonenumber-js finds the numbers; `extended` accepts *possible* numbers, like the form does
 * (555-555-1234 is possible but not "valid"). A number on a line labelled Phone / Mobile / Cell / Tel
 * wins over one found elsewhere. A number written with the 00 international prefix where that is not
 * the default country's prefix is retried as +.
 */
function findPhone(text: string, country: CountryCode): string | undefined {
  const found = phonesIn(text, country);
  if (found.length === 0) return undefined;
  const labelled = found.find((f) => {
    const lineStart = text.lastIndexOf('\n', f.start) + 1;
    return PHONE_LABEL.test(text.slice(lineStart, f.start));
  });
  const best = labelled ?? found[0];
  return best ? best.text : undefined;
}

interface FoundPhone {
  start: number;
  text: string;
}

function phonesIn(text: string, country: CountryCode): FoundPhone[] {
  const direct = search(text, text, country, new Set());
  if (direct.length > 0) return direct;
  // "0049 30 1234567" → " +49 30 1234567": same length, so offsets still point into the original.
  const replaced = new Set<number>();
  const retried = text.replace(/(^|[^\d+])00(?=[1-9])/g, (_m: string, before: string, offset: number) => {
    replaced.add(offset + before.length);
    return `${before} +`; // the first 0 becomes a space, the second the +
  });
  return search(retried, text, country, replaced);
}

function search(searched: string, original: string, country: CountryCode, replaced: ReadonlySet<number>): FoundPhone[] {
  return findPhoneNumbersInText(searched, { defaultCountry: country, extended: true }).map((f) => {
    // A number found after a rewritten "00" starts at that 00 in the original.
    const start = replaced.has(f.startsAt - 1) ? f.startsAt - 1 : f.startsAt;
    // Stryker disable next-line MethodExpression: a found number starts and ends on a digit, + or bracket: nothing to trim
    let written = original.slice(start, f.endsAt).trim();
    // "ext. 12" is not something the Phone Number field takes.
    if (f.number.ext) written = written.replace(/[\s,;]*(?:ext\.?|extension|x|#)\s*\d+$/i, '').trim();
    return { start, text: written };
  });
}

// ---------------------------------------------------------------------------------------------------
// Name

interface FoundName {
  first?: string;
  last?: string;
}

// Words written with a capital that are not names, common in announcements.
const NOT_NAMES = new Set(
  (
    'please welcome welcoming join joining joins meet say hello hi hey dear all everyone team teams new hire hires ' +
    'announcement announcing introducing introduce our the a an and or of to in on at for with from this that today tomorrow ' +
    'yesterday week next last first start starting starts started date role title position department dept location site ' +
    'manager reports reporting name email e-mail phone mobile cell tel office customer service support sales center centre ' +
    'contact call operations company inc llc ltd hr it good morning afternoon evening happy thanks thank congrats congratulations ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december mr mrs ms miss dr prof she her he him they them their his hers' +
    ' onboarding reminder update note fyi agent agents supervisor admin user employee employees staff member colleague'
  ).split(' '),
);
// Lower-case particles inside a name: "Ludwig van Beethoven", "Maria da Silva".
const PARTICLES = new Set('van von der den de del della di da das dos du la le ten ter bin binti al el y'.split(' '));

// A capitalised word ("Jane", "Núñez-García", "O'Brien", "McDonald"), an initial ("Q."), or a word in
// a script without case (Arabic, Hebrew, Thai, CJK…).
const CASED_WORD_SHAPE = /^\p{Lu}[\p{L}\p{M}]*(?:['’-][\p{L}\p{M}]+)*$/u;
/** Capitalised and not all capitals: "HR", "FYI" and "JANE" are not taken for names. */
function isCasedWord(w: string): boolean {
  return CASED_WORD_SHAPE.test(w) && /\p{Ll}/u.test(w);
}
const INITIAL = /^\p{Lu}\.$/u;
const UNCASED_WORD = /^[\p{Lo}\p{M}]+$/u;

function findName(text: string): FoundName | null {
  return fromLabels(text) ?? fromIntroduction(text) ?? fromCapitalisedWords(text);
}

// The value is on the label's own line: after an empty "First Name:" the next line is not the name.
const SEPARATOR = String.raw`[*_\s]*(?::|：|\s[-–—]\s)[*_ \t]*`;
const FULL_NAME_LABEL = new RegExp(
  `(?:full |employee |legal |new hire |new hire's |hire |candidate |staff )?name(?: of (?:the )?new hire)?${SEPARATOR}([^\\n]+)`,
  'giu',
);
const FIRST_NAME_LABEL = new RegExp(`(?:first|given) ?name${SEPARATOR}([^\\n]+)`, 'giu');
const LAST_NAME_LABEL = new RegExp(`(?:last|family|sur) ?name${SEPARATOR}([^\\n]+)`, 'giu');

function fromLabels(text: string): FoundName | null {
  const first = firstLabelled(FIRST_NAME_LABEL, text);
  const last = firstLabelled(LAST_NAME_LABEL, text);
  if (first || last) {
    const name: FoundName = {};
    const f = first ? nameWords(first)?.join(' ') : undefined;
    const l = last ? nameWords(last)?.join(' ') : undefined;
    if (f && f.length <= NAME_MAX_LENGTH) name.first = f;
    if (l && l.length <= NAME_MAX_LENGTH) name.last = l;
    if (name.first || name.last) return name;
  }
  for (const m of text.matchAll(FULL_NAME_LABEL)) {
    const value = m[1];
    if (value === undefined || !startsLabel(text, m.index)) continue;
    const name = labelledFullName(value);
    if (name) return name;
  }
  return null;
}

function firstLabelled(re: RegExp, text: string): string | undefined {
  for (const m of text.matchAll(re)) if (m[1] && m[1].trim() !== '' && startsLabel(text, m.index)) return m[1];
  return undefined;
}

const LABEL_LEADS = new Set(['•', '·', '|', ';', ',', '(', '—', '–', '-']);

/**
 * A label starts a line or follows punctuation ("— Name: …"), perhaps after a bullet or bold marks:
 * "Username:" and "Manager name:" are not the new hire's name.
 */
function startsLabel(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && /[ \t*_>]/.test(text[i] ?? '')) i--;
  return i < 0 || text[i] === '\n' || LABEL_LEADS.has(text[i] ?? '');
}

/** "Jane Doe", "Doe, Jane", "Jane Doe (she/her)", "Jane Doe, Sales": what a person typed after "Name:". */
function labelledFullName(value: string): FoundName | null {
  const clean = stripFormatting(value);
  // "Doe, Jane": one word, a comma, then one or two words and nothing else.
  const inverted = /^\s*([\p{L}\p{M}'’.-]+)\s*,\s*([\p{L}\p{M}'’.-]+(?:\s+[\p{L}\p{M}'’.-]+)?)\s*(?:[([|/;]|\s[-–—]\s|$)/u.exec(clean);
  if (inverted?.[1] && inverted[2]) {
    // Stryker disable next-line MethodExpression: the group ends on a name character: nothing to trim
    const first = inverted[2].trim();
    // Stryker disable next-line MethodExpression: the group holds no space: nothing to trim
    const last = inverted[1].trim();
    if (first.length <= NAME_MAX_LENGTH && last.length <= NAME_MAX_LENGTH) return { first, last };
  }
  const words = nameWords(clean);
  return words ? split(words) : null;
}

const INTRODUCTION = /\b(?:welcom(?:e|ing)|introduc(?:e|ing)|meet|say (?:hello|hi) to|new (?:hire|starter|joiner|employee|team member|colleague|agent)[*_]*\s*(?::|：|[-–—]))\s*/giu;

/** "Please welcome Jane Doe", "New hire: José Núñez-García", "Say hello to Zoë O’Brien". */
function fromIntroduction(text: string): FoundName | null {
  for (const m of text.matchAll(INTRODUCTION)) {
    // A name follows within a short stretch: looking further only finds other words.
    const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 160);
    // The rest of the sentence; "Q." (an initial) does not end it.
    // Stryker disable next-line StringLiteral: split() always gives a first element
    const sentence = rest.split(/(?<!(?:^|\s)\p{Lu})\.(?=\s|$)|[!?\n]/u)[0] ?? '';
    const runs = nameRuns(stripFormatting(sentence));
    const best = runs.find((r) => r.length >= 2) ?? runs[0];
    if (best) return split(best);
  }
  return null;
}

/** The last resort: the first two or three capitalised words in a row that are not common words. */
function fromCapitalisedWords(text: string): FoundName | null {
  for (const line of stripFormatting(text).split('\n')) {
    const run = nameRuns(line).find((r) => r.length >= 2 && r.length <= 3 && r.every((w) => isCasedWord(w) || INITIAL.test(w) || PARTICLES.has(w)));
    if (run) return split(run);
  }
  return null;
}

/** Runs of name-like words in a stretch of text (1–4 words, particles only inside a run). */
function nameRuns(text: string): string[][] {
  const runs: string[][] = [];
  let current: string[] = [];
  const close = (): void => {
    // Stryker disable next-line StringLiteral: the loop runs only while current has a last element
    while (current.length > 0 && PARTICLES.has(current[current.length - 1] ?? '')) current.pop();
    if (current.length > 0 && current.length <= 4) runs.push(current);
    current = [];
  };
  for (const token of text.split(/\s+/u)) {
    const opened = token.replace(/^[([{"'“‘]+/u, '');
    // An initial keeps its dot; other trailing punctuation ends the run: "Jane Doe, starting Monday".
    const trail = INITIAL.test(opened) ? '' : (/[,;:!?.)\]}"'”’]+$/u.exec(opened)?.[0] ?? '');
    let word = opened.slice(0, opened.length - trail.length);
    const possessive = /['’]s$/u.test(word);
    if (possessive) word = word.slice(0, -2);
    const isName = word !== '' && !NOT_NAMES.has(word.toLowerCase()) && (isCasedWord(word) || INITIAL.test(word) || UNCASED_WORD.test(word));
    if (isName) current.push(word);
    else if (current.length > 0 && PARTICLES.has(word)) current.push(word);
    else close();
    if (trail !== '' || possessive) close();
  }
  close();
  return runs;
}

/**
 * Words of a labelled value: as typed (any case, any script), up to the first thing that is not a
 * name word, at most five. A value that does not start with a name word gives nothing.
 */
function nameWords(value: string): string[] | null {
  // Stryker disable next-line StringLiteral: split() always gives a first element
  const head = stripFormatting(value).split(/[([|/;,]|\s[-–—]\s/u)[0] ?? '';
  const words: string[] = [];
  for (const token of head.trim().split(/\s+/u)) {
    // Sentence punctuation is dropped, an initial's dot kept.
    const word = INITIAL.test(token) ? token : token.replace(/[.!?:]+$/u, '');
    if (!/^[\p{L}\p{M}][\p{L}\p{M}'’.-]*$/u.test(word)) break;
    words.push(word);
    if (words.length === 5) break;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: every caller treats an empty list like null (no name words, no name)
  return words.length > 0 ? words : null;
}

/** The first word is the first name, the rest the last name; a middle initial stays with the first name. */
function split(words: readonly string[]): FoundName | null {
  // Stryker disable next-line StringLiteral: words[1] exists whenever there are three words
  const withInitial = words.length >= 3 && INITIAL.test(words[1] ?? '');
  const first = withInitial ? words.slice(0, 2).join(' ') : words[0];
  const rest = words.slice(withInitial ? 2 : 1);
  // Stryker disable next-line ConditionalExpression: callers pass at least one word, so first is always set
  if (!first) return null;
  const lastName = rest.join(' ');
  const name: FoundName = {};
  if (first.length <= NAME_MAX_LENGTH) name.first = first;
  if (lastName !== '' && lastName.length <= NAME_MAX_LENGTH) name.last = lastName;
  return name.first || name.last ? name : null;
}

/** Drops mrkdwn formatting marks: `*bold*`, `_italic_`, `~strike~`, `` `code` ``. */
function stripFormatting(s: string): string {
  return s.replace(/[*~`]/g, '').replace(/(^|[\s(])_+|_+(?=$|[\s),.;:!?])/gu, '$1');
}
