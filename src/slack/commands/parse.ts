/**
 * `/provision <subcommand> [argument]` as typed. Slack sends the text after the command; with
 * should_escape, a mention arrives as `<@U123|name>`.
 */
export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'user' }
  | { kind: 'agent' }
  | { kind: 'extension' }
  | { kind: 'clone'; source: { username: string } | { slackUserId: string } }
  | { kind: 'edit'; target: { username: string } | { slackUserId: string } }
  | { kind: 'find'; text: string }
  | { kind: 'unknown'; word: string }
  | { kind: 'missing_argument'; subcommand: 'clone' | 'edit' | 'find' };

export function parseProvisionCommand(text: string): ParsedCommand {
  const [first = '', ...rest] = text.trim().split(/\s+/);
  const word = first.toLowerCase();
  const argument = rest.join(' ').trim();
  switch (word) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'user':
    case 'agent':
    case 'extension':
      return { kind: word };
    case 'clone': {
      if (!argument) return { kind: 'missing_argument', subcommand: 'clone' };
      return { kind: 'clone', source: userArgument(argument) };
    }
    case 'edit':
      return argument ? { kind: 'edit', target: userArgument(argument) } : { kind: 'missing_argument', subcommand: 'edit' };
    case 'find':
      return argument ? { kind: 'find', text: argument } : { kind: 'missing_argument', subcommand: 'find' };
    default:
      return { kind: 'unknown', word: first };
  }
}

/** A directory username (a leading @ dropped), or a Slack mention to match by email. */
function userArgument(argument: string): { username: string } | { slackUserId: string } {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(argument);
  return mention?.[1] ? { slackUserId: mention[1] } : { username: argument.replace(/^@/, '') };
}
