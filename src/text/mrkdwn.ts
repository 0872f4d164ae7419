import { clipText } from './clip.js';

/**
 * Slack mrkdwn for text typed by people, and the two Slack tokens the bot writes into mrkdwn (a user
 * mention and a date). Every message, modal and notification builds its mrkdwn from these.
 */

/**
 * Text typed by people is shown in mrkdwn only after escaping the three characters Slack treats as
 * control: otherwise a name like `<!channel>` would ping a whole channel.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const FORMATTING: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02CD', // ˍ modifier letter low macron
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
};
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * User text for a mrkdwn text object: escaped (`escapeMrkdwn`, so `<!channel>` or `<https://x|y>` stay
 * text), and with the formatting characters `* _ ~ \`` that could open or close bold, italics, strikes
 * or code swapped for look-alikes — Slack has no way to escape them. A character between two letters
 * or digits (`jane_doe@x.com`, `O*Neil`) cannot format anything in Slack and is kept as typed, so
 * addresses and usernames stay copyable; backticks are always swapped.
 * Pair it with `verbatim: true` on the text object so Slack does not turn text into links or mentions.
 */
export function mrkdwnLiteral(text: string): string {
  const escaped = escapeMrkdwn(text);
  return escaped.replace(/[*_~`]/g, (ch: string, offset: number) => {
    if (ch !== '`') {
      const before = escaped[offset - 1];
      const after = escaped[offset + 1];
      if (before !== undefined && after !== undefined && WORD_CHAR.test(before) && WORD_CHAR.test(after)) return ch;
    }
    return FORMATTING[ch] ?? ch;
  });
}

/**
 * User text as inline code (usernames, IDs): escaped, backticks swapped so the span cannot be closed
 * early. Empty text shows as a dash: an empty code span would show nothing at all.
 */
export function mrkdwnCode(text: string): string {
  if (text === '') return '\u2014';
  return '`' + escapeMrkdwn(text).replace(/`/g, FORMATTING['`'] ?? "'") + '`';
}

/** What a Slack user ID looks like (U… for people, W… for Enterprise Grid members). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * A mention for what is a Slack user ID; anything else (a stored value that is not one) is shown as
 * literal text, cut to `maxTextLength` when given, so it can never turn into `<!channel>`.
 */
export function userMention(id: string, maxTextLength?: number): string {
  if (SLACK_USER_ID.test(id)) return `<@${id}>`;
  return mrkdwnLiteral(maxTextLength === undefined ? id : clipText(id, maxTextLength));
}

/** `2026-11-26 09:00 UTC`: for readers whose time zone the bot does not know (an email, a fallback). */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A date Slack shows in each reader's own time zone, with a UTC fallback for clients that cannot.
 * `format` is Slack's date format string; a date that is not one reads "unknown date".
 */
export function slackDate(date: Date, format = '{date_short_pretty} at {time}'): string {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (!Number.isFinite(ms)) return 'unknown date';
  return `<!date^${Math.floor(ms / 1000)}^${format}|${formatUtc(new Date(ms))}>`;
}
