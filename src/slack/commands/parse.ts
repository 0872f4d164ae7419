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
  | { kind: 'find'; text: string }
  | { kind: 'deactivate' | 'reactivate'; target: UserReference }
  | { kind: 'unknown'; word: string }
  | { kind: 'missing_argument'; subcommand: 'clone' | 'find' | 'deactivate' | 'reactivate' };

/** A user named in a command: by directory username, or by a Slack mention (matched by email). */
export type UserReference = { username: string } | { slackUserId: string };

function userReference(argument: string): UserReference {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(argument);
  return mention?.[1] ? { slackUserId: mention[1] } : { username: argument.replace(/^@/, '') };
}

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
      const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(argument);
      return { kind: 'clone', source: mention?.[1] ? { slackUserId: mention[1] } : { username: argument.replace(/^@/, '') } };
    }
    case 'find':
      return argument ? { kind: 'find', text: argument } : { kind: 'missing_argument', subcommand: 'find' };
    case 'deactivate':
    case 'offboard':
      return argument ? { kind: 'deactivate', target: userReference(argument) } : { kind: 'missing_argument', subcommand: 'deactivate' };
    case 'reactivate':
      return argument ? { kind: 'reactivate', target: userReference(argument) } : { kind: 'missing_argument', subcommand: 'reactivate' };
    default:
      return { kind: 'unknown', word: first };
  }
}
