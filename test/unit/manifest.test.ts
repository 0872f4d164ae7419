import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHORTCUTS } from '../../src/slack/ids.js';
import { HELP_SUBCOMMANDS } from '../../src/slack/views/help.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaPath = path.resolve(repoRoot, '..', 'shared', 'slack', 'manifest.schema.json');
const schemaExists = existsSync(schemaPath);
if (!schemaExists) {
  console.warn('../shared/slack/manifest.schema.json not found: manifest schema check skipped');
}

interface Manifest {
  display_information?: { name?: string };
  features?: {
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean };
    slash_commands?: { command: string; url?: string; usage_hint?: string; should_escape?: boolean }[];
    shortcuts?: { name: string; type: string; callback_id: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled?: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
  };
}

/** Splits `a | b [c | d] | e <f|g>` on the bars outside any brackets or placeholders. */
function alternatives(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '[' || char === '<') depth += 1;
    if (char === ']' || char === '>') depth -= 1;
    if (char === '|' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  return [...parts, current.trim()];
}

/**
 * The subcommands a usage hint names: the first word of each alternative, and under it the plain words
 * that start the alternatives of a bracket after it (`extension [reassign … | rotate …]`, `import
 * [template]`). Placeholders (`<username>`) and filters (`site:…`) are no subcommands.
 */
function hintSubcommands(hint: string): string[] {
  const inner = hint.trim().replace(/^\[/, '').replace(/\]$/, '');
  return alternatives(inner).flatMap((alternative) => {
    const [first = '', ...rest] = alternative.split(/\s+/);
    const nested = [...rest.join(' ').matchAll(/\[([^\]]*)\]/g)].flatMap((m) => alternatives(m[1] ?? '').map((a) => a.split(/\s+/)[0] ?? ''));
    return [first, ...nested.filter((word) => /^[a-z]+$/.test(word)).map((word) => `${first} ${word}`)];
  });
}

const loadManifest = (): Manifest => parse(readFileSync(path.join(repoRoot, 'manifest.yml'), 'utf8')) as Manifest;

/** Slack's manifest schema (draft-07) compiled with ajv; only called when the schema file exists. */
function slackManifestValidator(): ValidateFunction {
  // Not strict: the schema carries annotation keywords of its own, such as `_note`.
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema's one `format: uri`; a URL parser is enough, without adding ajv-formats.
  ajv.addFormat('uri', (value: string) => {
    try {
      new URL(value);
      return true;
    } catch {
      return false;
    }
  });
  // Slack's schema spells one pattern `regex` (background_color): enforce it as Slack does.
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, value: string) => new RegExp(pattern).test(value),
  });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

describe('manifest.yml', () => {
  it.skipIf(!schemaExists)("is a manifest Slack's own schema accepts", () => {
    const validate = slackManifestValidator();
    const valid = validate(loadManifest());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.skipIf(!schemaExists)('is checked by a validator that does reject a broken manifest', () => {
    const validate = slackManifestValidator();
    const withoutDisplay: Record<string, unknown> = { ...loadManifest() };
    delete withoutDisplay.display_information;
    expect(validate(withoutDisplay)).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toContainEqual({ missingProperty: 'display_information' });

    const manifest = loadManifest();
    const badColour = { ...manifest, display_information: { ...manifest.display_information, background_color: 'navy' } };
    expect(validate(badColour)).toBe(false);

    const longShortcut = structuredClone(manifest);
    longShortcut.features?.shortcuts?.forEach((s) => (s.name = 'Provision this new hire, please'));
    expect(validate(longShortcut)).toBe(false);

    expect(validate({ ...manifest, settings: { ...manifest.settings, socket_mode: true } })).toBe(false);
  });

  it('declares the /provision command, escaped so mentions carry user IDs', () => {
    const commands = loadManifest().features?.slash_commands ?? [];
    expect(commands.map((c) => c.command)).toEqual(['/provision']);
    expect(commands[0]).toMatchObject({ url: 'https://provision.example.com/slack/events', should_escape: true });
  });

  it('hints at exactly the subcommands /provision help lists', () => {
    const hint = loadManifest().features?.slash_commands?.[0]?.usage_hint ?? '';
    expect(HELP_SUBCOMMANDS).toContain('extension rotate');
    expect([...new Set(hintSubcommands(hint))].sort()).toEqual([...new Set(HELP_SUBCOMMANDS)].sort());
  });

  it('reads a hint\'s subcommands, nested ones too, and not its placeholders or filters', () => {
    expect(hintSubcommands('[user | clone <username|@person> | extension [reassign <number> <username> | rotate <number>] | import [template] | find <text> [site:… dept:…] | export [<text>]]')).toEqual([
      'user',
      'clone',
      'extension',
      'extension reassign',
      'extension rotate',
      'import',
      'import template',
      'find',
      'export',
    ]);
  });

  it('declares the new-hire, the leaver and the import message shortcuts, with the callback IDs the bot listens to', () => {
    expect(loadManifest().features?.shortcuts).toEqual([
      expect.objectContaining({ name: 'Provision this new hire', type: 'message', callback_id: SHORTCUTS.provisionNewHire }),
      expect.objectContaining({ name: 'Offboard this person', type: 'message', callback_id: SHORTCUTS.offboardPerson }),
      expect.objectContaining({ name: 'Import this new-hire CSV', type: 'message', callback_id: SHORTCUTS.importNewHires }),
    ]);
  });

  it('asks for exactly the bot scopes the bot uses', () => {
    const scopes = loadManifest().oauth_config?.scopes?.bot ?? [];
    expect([...scopes].sort()).toEqual(['chat:write', 'commands', 'files:read', 'files:write', 'im:write', 'usergroups:read', 'users:read', 'users:read.email']);
  });

  it('has the App Home tab, its opened event, and interactivity on one request URL', () => {
    const { features, settings } = loadManifest();
    expect(features?.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(settings?.event_subscriptions?.bot_events).toContain('app_home_opened');
    expect(settings?.interactivity?.is_enabled).toBe(true);
    expect(settings?.event_subscriptions?.request_url).toBe('https://provision.example.com/slack/events');
    expect(settings?.interactivity?.request_url).toBe('https://provision.example.com/slack/events');
    expect(settings?.socket_mode_enabled).toBe(false);
  });
});
