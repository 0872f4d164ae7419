import { typedAssignmentNumber } from '../../domain/extension-assignment.js';
import type { FindStatus } from '../views/model.js';

/**
 * `/provision <subcommand> [argument]` as typed. Slack sends the text after the command; with
 * should_escape, a mention arrives as `<@U123|name>`.
 */
export type UserReference = { username: string } | { slackUserId: string };

/** The filters typed after `find`: site and department as typed (matched later), status and kind checked here. */
export interface TypedFindFilters {
  site?: string;
  department?: string;
  status?: FindStatus;
  type?: 'all' | 'agent' | 'non_agent';
}

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'user' }
  | { kind: 'agent' }
  | { kind: 'extension' }
  | { kind: 'extension_reassign'; number: number; recipient: UserReference }
  | { kind: 'extension_unassign'; number: number }
  /** `extension rotate <number>`: a new device secret for that extension (the number as typed; '' when missing). */
  | { kind: 'extension_rotate'; number: string }
  | { kind: 'import' }
  | { kind: 'import_template' }
  | { kind: 'clone'; source: UserReference }
  | { kind: 'edit'; target: UserReference }
  | { kind: 'show'; target: UserReference }
  | { kind: 'history'; target: UserReference }
  | { kind: 'deactivate' | 'reactivate'; target: UserReference }
  | { kind: 'reset' | 'resend' | 'unlock'; target: UserReference }
  | { kind: 'find'; text: string; filters: TypedFindFilters }
  /** `export [filters as in find]`: the matching users as a CSV in the requester's DM (no filter: every active user). */
  | { kind: 'export'; text: string; filters: TypedFindFilters }
  | { kind: 'unknown'; word: string }
  | { kind: 'missing_argument'; subcommand: 'clone' | 'edit' | 'find' | 'show' | 'history' | 'deactivate' | 'reactivate' | 'reset' | 'resend' | 'unlock' | 'extension_reassign' | 'extension_unassign' }
  | { kind: 'bad_argument'; subcommand: 'find' | 'export' | 'extension_reassign' | 'extension_unassign'; problem: string };

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
      return { kind: word };
    case 'extension':
      return parseExtension(rest);
    case 'import':
      if (argument === '') return { kind: 'import' };
      return argument.toLowerCase() === 'template' ? { kind: 'import_template' } : { kind: 'unknown', word: `import ${argument}` };
    case 'clone':
      return argument ? { kind: 'clone', source: userReference(argument) } : { kind: 'missing_argument', subcommand: 'clone' };
    case 'edit':
    case 'show':
    case 'history':
      return argument ? { kind: word, target: userReference(argument) } : { kind: 'missing_argument', subcommand: word };
    case 'find':
      return argument ? parseFind(argument, 'find') : { kind: 'missing_argument', subcommand: 'find' };
    case 'export':
      return parseFind(argument, 'export');
    case 'deactivate':
    case 'offboard':
      return argument ? { kind: 'deactivate', target: userReference(argument) } : { kind: 'missing_argument', subcommand: 'deactivate' };
    case 'reactivate':
      return argument ? { kind: 'reactivate', target: userReference(argument) } : { kind: 'missing_argument', subcommand: 'reactivate' };
    case 'reset':
    case 'resend':
    case 'unlock':
      return argument ? { kind: word, target: userReference(argument) } : { kind: 'missing_argument', subcommand: word };
    default:
      return { kind: 'unknown', word: first };
  }
}

/**
 * `extension` alone opens the extension form, as it always did; `extension reassign <number> <username |
 * @person>` and `extension unassign <number>` change who holds an existing one; `extension rotate
 * <number>` asks for a new device secret (the number as typed, checked by the rotation itself).
 */
function parseExtension(rest: readonly string[]): ParsedCommand {
  const [verb = '', number = '', ...more] = rest;
  const action = verb.toLowerCase();
  if (action === 'rotate') return { kind: 'extension_rotate', number: rest.slice(1).join(' ') };
  if (action !== 'reassign' && action !== 'unassign') return { kind: 'extension' };
  const subcommand = action === 'reassign' ? 'extension_reassign' : 'extension_unassign';
  if (number === '') return { kind: 'missing_argument', subcommand };
  const parsed = typedAssignmentNumber(number);
  if (parsed === undefined) return { kind: 'bad_argument', subcommand, problem: `${number} is not an extension number: say it in digits, like ${action === 'reassign' ? 'extension reassign 1001 jdoe' : 'extension unassign 1001'}.` };
  if (action === 'unassign') return more.length === 0 ? { kind: 'extension_unassign', number: parsed } : { kind: 'bad_argument', subcommand, problem: 'extension unassign takes only the extension number, like extension unassign 1001.' };
  const recipient = more.join(' ').trim();
  return recipient === '' ? { kind: 'missing_argument', subcommand } : { kind: 'extension_reassign', number: parsed, recipient: userReference(recipient) };
}

function userReference(argument: string): UserReference {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(argument);
  return mention?.[1] ? { slackUserId: mention[1] } : { username: argument.replace(/^@/, '') };
}

const FILTER_KEYS: Readonly<Record<string, keyof TypedFindFilters>> = {
  site: 'site',
  dept: 'department',
  department: 'department',
  status: 'status',
  type: 'type',
  kind: 'type',
};
const STATUS_WORDS: Readonly<Record<string, FindStatus>> = { active: 'active', deactivated: 'deactivated', inactive: 'deactivated', all: 'all' };
const TYPE_WORDS: Readonly<Record<string, NonNullable<TypedFindFilters['type']>>> = {
  all: 'all',
  agent: 'agent',
  agents: 'agent',
  'non-agent': 'non_agent',
  non_agent: 'non_agent',
  nonagent: 'non_agent',
  'non-agents': 'non_agent',
};

/**
 * `find smith site:austin dept:"Billing Support" status:all type:agent`: `key:value` words (a value in
 * double quotes may hold spaces) are filters, everything else is the search text. A word with a colon
 * whose key is not a filter (`a:b`) stays text. `export` takes the same words.
 */
function parseFind(argument: string, subcommand: 'find' | 'export'): ParsedCommand {
  const filters: TypedFindFilters = {};
  const words: string[] = [];
  for (const match of argument.matchAll(/([A-Za-z]+):"([^"]*)"?|([A-Za-z]+):(\S*)|(\S+)/g)) {
    const key = (match[1] ?? match[3])?.toLowerCase();
    const field = key === undefined ? undefined : FILTER_KEYS[key];
    if (field === undefined) {
      words.push(match[0]);
      continue;
    }
    const value = (match[2] ?? match[4] ?? '').trim();
    if (value === '') return { kind: 'bad_argument', subcommand, problem: `Say what ${key} to look for: ${key}:${field === 'status' ? 'all' : field === 'type' ? 'agent' : 'austin'}.` };
    if (field === 'status') {
      const status = STATUS_WORDS[value.toLowerCase()];
      if (!status) return { kind: 'bad_argument', subcommand, problem: `status:${value} is not a status: use status:active, status:deactivated or status:all.` };
      filters.status = status;
    } else if (field === 'type') {
      const type = TYPE_WORDS[value.toLowerCase()];
      if (!type) return { kind: 'bad_argument', subcommand, problem: `${key}:${value} is not a kind of user: use type:agent, type:non-agent or type:all.` };
      filters.type = type;
    } else {
      filters[field] = value;
    }
  }
  return { kind: subcommand, text: words.join(' '), filters };
}
