import { describe, expect, it } from 'vitest';
import { clipText, clipValue } from '../../../src/text/clip.js';
import { DEVICE_TYPE_LABELS, deviceTypeLabel } from '../../../src/text/device-type.js';
import { escapeHtml } from '../../../src/text/html.js';
import { escapeMrkdwn, formatUtc, mrkdwnCode, mrkdwnLiteral, slackDate, userMention } from '../../../src/text/mrkdwn.js';

describe('escapeHtml', () => {
  it('turns the five characters that could open a tag or close an attribute into entities', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('mrkdwn', () => {
  it('escapes the three control characters', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('swaps formatting characters that could format, and keeps those between letters', () => {
    expect(mrkdwnLiteral('*bold* _it_ ~x~ `c`')).toBe('\u2217bold\u2217 \u02CDit\u02CD \u223Cx\u223C \u02CBc\u02CB');
    expect(mrkdwnLiteral('jane_doe@x.com O*Neil')).toBe('jane_doe@x.com O*Neil');
  });

  it('shows inline code that cannot be closed early, and a dash for nothing', () => {
    expect(mrkdwnCode('a`b<')).toBe('`a\u02CBb&lt;`');
    expect(mrkdwnCode('')).toBe('\u2014');
  });

  it('mentions only Slack user IDs and shows anything else as text, cut when asked', () => {
    expect(userMention('U0123ABCD')).toBe('<@U0123ABCD>');
    expect(userMention('W0123ABCD')).toBe('<@W0123ABCD>');
    expect(userMention('<!channel>')).toBe('&lt;!channel&gt;');
    expect(userMention('x'.repeat(50), 40)).toBe(`${'x'.repeat(39)}…`);
  });

  it('writes a date token with a UTC fallback, and says so when there is no date', () => {
    const at = new Date('2026-01-02T03:04:59.999Z');
    expect(formatUtc(at)).toBe('2026-01-02 03:04 UTC');
    expect(slackDate(at)).toBe(`<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|2026-01-02 03:04 UTC>`);
    expect(slackDate(at, '{date_short_pretty} {time}')).toBe(`<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|2026-01-02 03:04 UTC>`);
    expect(slackDate(new Date(NaN))).toBe('unknown date');
  });
});

describe('clip', () => {
  it('marks a cut with an ellipsis, within the limit, never splitting a surrogate pair', () => {
    expect(clipText('abc', 3)).toBe('abc');
    expect(clipText('abcd', 3)).toBe('ab…');
    expect(clipText('a😀b', 3)).toBe('a…');
  });

  it('cuts a value without a mark, between characters, dropping trailing spaces', () => {
    expect(clipValue('abc', 3)).toBe('abc');
    expect(clipValue('ab cd', 3)).toBe('ab');
    expect(clipValue('a😀b', 2)).toBe('a');
  });
});

describe('device types', () => {
  it('uses the seed wording and shows an unknown stored value as stored', () => {
    expect(DEVICE_TYPE_LABELS.webrtc).toBe('New agent interface (WebRTC)');
    expect(deviceTypeLabel('softphone')).toBe('Softphone');
    expect(deviceTypeLabel('deskphone')).toBe('deskphone');
  });
});
