/**
 * Cutting text to a length limit (Slack counts some limits in UTF-16 code units, the strictest way it
 * may count). Both cut between characters, never in the middle of a surrogate pair.
 */

/** For text people read: at most `max` units, the cut marked with "…". */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return out + '…';
}

/**
 * For values that are read back (a button's value): at most `max` units and no mark, so what comes
 * back is a prefix of what was put in; trailing spaces are dropped.
 */
export function clipValue(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trimEnd();
}
