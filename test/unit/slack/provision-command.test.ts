import { describe, expect, it } from 'vitest';
import { parseProvisionCommand } from '../../../src/slack/commands/parse.js';
import { HELP_SUBCOMMANDS, helpMessage } from '../../../src/slack/views/help.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

describe('parseProvisionCommand', () => {
  it.each([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP me', { kind: 'help' }],
    ['user', { kind: 'user' }],
    ['Agent', { kind: 'agent' }],
    ['extension', { kind: 'extension' }],
    ['extension softphone', { kind: 'extension' }],
    ['extension reassign 1001 sroe', { kind: 'extension_reassign', number: 1001, recipient: { username: 'sroe' } }],
    ['EXTENSION Reassign 1001 @sroe', { kind: 'extension_reassign', number: 1001, recipient: { username: 'sroe' } }],
    ['extension reassign 1001 <@U012AB3CD|sam>', { kind: 'extension_reassign', number: 1001, recipient: { slackUserId: 'U012AB3CD' } }],
    ['extension reassign 1001', { kind: 'missing_argument', subcommand: 'extension_reassign' }],
    ['extension reassign', { kind: 'missing_argument', subcommand: 'extension_reassign' }],
    ['extension reassign x1 sroe', { kind: 'bad_argument', subcommand: 'extension_reassign', problem: 'x1 is not an extension number: say it in digits, like extension reassign 1001 jdoe.' }],
    ['extension unassign 1001', { kind: 'extension_unassign', number: 1001 }],
    ['extension unassign', { kind: 'missing_argument', subcommand: 'extension_unassign' }],
    ['extension unassign 1001 jdoe', { kind: 'bad_argument', subcommand: 'extension_unassign', problem: 'extension unassign takes only the extension number, like extension unassign 1001.' }],
    ['clone jdoe', { kind: 'clone', source: { username: 'jdoe' } }],
    ['clone @jdoe', { kind: 'clone', source: { username: 'jdoe' } }],
    ['clone <@U012AB3CD|jane>', { kind: 'clone', source: { slackUserId: 'U012AB3CD' } }],
    ['clone <@W012AB3CD>', { kind: 'clone', source: { slackUserId: 'W012AB3CD' } }],
    ['clone', { kind: 'missing_argument', subcommand: 'clone' }],
    ['find', { kind: 'missing_argument', subcommand: 'find' }],
    ['find  jane   doe ', { kind: 'find', text: 'jane doe', filters: {} }],
    ['find smith site:austin status:all type:agent dept:billing', { kind: 'find', text: 'smith', filters: { site: 'austin', status: 'all', type: 'agent', department: 'billing' } }],
    ['find Site:"Austin, TX" DEPARTMENT:"Billing Support" kind:non-agent', { kind: 'find', text: '', filters: { site: 'Austin, TX', department: 'Billing Support', type: 'non_agent' } }],
    ['find status:deactivated', { kind: 'find', text: '', filters: { status: 'deactivated' } }],
    ['find mailto:x a:b', { kind: 'find', text: 'mailto:x a:b', filters: {} }],
    ['find jane status:gone', { kind: 'bad_argument', subcommand: 'find', problem: 'status:gone is not a status: use status:active, status:deactivated or status:all.' }],
    ['find jane type:robot', { kind: 'bad_argument', subcommand: 'find', problem: 'type:robot is not a kind of user: use type:agent, type:non-agent or type:all.' }],
    ['find jane site:', { kind: 'bad_argument', subcommand: 'find', problem: 'Say what site to look for: site:austin.' }],
    ['export', { kind: 'export', text: '', filters: {} }],
    ['EXPORT   ', { kind: 'export', text: '', filters: {} }],
    ['export site:austin type:agent', { kind: 'export', text: '', filters: { site: 'austin', type: 'agent' } }],
    ['export smith dept:"Billing Support" status:all', { kind: 'export', text: 'smith', filters: { department: 'Billing Support', status: 'all' } }],
    ['export status:gone', { kind: 'bad_argument', subcommand: 'export', problem: 'status:gone is not a status: use status:active, status:deactivated or status:all.' }],
    ['export type:', { kind: 'bad_argument', subcommand: 'export', problem: 'Say what type to look for: type:agent.' }],
    ['show jdoe', { kind: 'show', target: { username: 'jdoe' } }],
    ['show <@U012AB3CD|jane>', { kind: 'show', target: { slackUserId: 'U012AB3CD' } }],
    ['history @jdoe', { kind: 'history', target: { username: 'jdoe' } }],
    ['show', { kind: 'missing_argument', subcommand: 'show' }],
    ['history', { kind: 'missing_argument', subcommand: 'history' }],
    ['delete everyone', { kind: 'unknown', word: 'delete' }],
  ])('%j → %j', (text, expected) => {
    expect(parseProvisionCommand(text)).toEqual(expected);
  });
});

describe('helpMessage', () => {
  it('lists every subcommand with its usage', () => {
    const { blocks, text } = helpMessage();
    const shown = JSON.stringify(blocks);
    for (const usage of [
      '/provision user',
      '/provision agent',
      '/provision clone &lt;username | @person&gt;',
      '/provision extension',
      '/provision extension reassign &lt;number&gt; &lt;username | @person&gt;',
      '/provision extension unassign &lt;number&gt;',
      '/provision find &lt;text&gt; [site:…] [dept:…] [status:active|deactivated|all] [type:agent|non-agent]',
      '/provision export [text] [site:…] [dept:…] [status:…] [type:…]',
      '/provision show &lt;username | @person&gt;',
      '/provision history &lt;username | @person&gt;',
      '/provision help',
    ]) {
      expect(shown).toContain(usage);
    }
    expect(text).toContain('/provision');
  });

  it('names every top-level subcommand of its list in its plain text, import too', () => {
    const { text } = helpMessage();
    const listed = text.replace('/provision commands: ', '').split(', ');
    expect(listed).toContain('import');
    expect(listed).toEqual([...new Set(HELP_SUBCOMMANDS.map((s) => s.split(' ')[0]))]);
  });

  it('stays within Slack\'s limits for a message, with and without a problem', () => {
    for (const message of [helpMessage(), helpMessage('x'.repeat(2000))]) assertWithinSlackLimits({ type: 'home', blocks: message.blocks });
  });

  it('escapes what a person typed so it cannot ping a channel or inject links', () => {
    const { blocks } = helpMessage('/provision <!channel> & <https://evil.example|click> is not a command I know.');
    const first = JSON.stringify(blocks[0]);
    expect(first).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(first).not.toContain('<!channel>');
  });
});
