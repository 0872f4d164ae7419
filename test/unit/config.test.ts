import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  SLACK_SIGNING_SECRET: 'secret',
  TENANT_SUFFIX: 'abc',
  APPROVALS_CHANNEL: 'C0APPROVALS',
  APPROVER_IDS: 'U0AAA, U0BBB',
};

function problems(env: Record<string, string | undefined>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('accepts the minimum and fills the documented defaults: PGlite, local outbox, port 3000, US phones', () => {
    const config = parseConfig(valid);
    expect(config.database).toEqual({ driver: 'pglite', dataDir: './data/pglite' });
    expect(config.mail).toMatchObject({ smtpUrl: undefined, outboxDir: './data/outbox' });
    expect(config).toMatchObject({ port: 3000, phoneDefaultCountry: 'US', passwordPolicy: 'default', defaultPasswordTtlHours: 72, approverIds: ['U0AAA', 'U0BBB'], publicUrl: 'http://localhost:3000', allowSelfApproval: false });
    expect(config.slack.appToken).toBeUndefined();
  });

  it('uses Postgres when DATABASE_URL is set, and Socket Mode settings when an app token is', () => {
    const config = parseConfig({ ...valid, DATABASE_URL: 'postgres://u:p@db:5432/provision', SLACK_APP_TOKEN: 'xapp-1-2', PUBLIC_URL: 'https://bot.example.com/' });
    expect(config.database).toEqual({ driver: 'postgres', url: 'postgres://u:p@db:5432/provision' });
    expect(config.slack.appToken).toBe('xapp-1-2');
    expect(config.publicUrl).toBe('https://bot.example.com');
  });

  it('needs no signing secret in Socket Mode, and still insists on one over HTTP', () => {
    const { SLACK_SIGNING_SECRET: _unused, ...withoutSecret } = valid;
    const socket = parseConfig({ ...withoutSecret, SLACK_APP_TOKEN: 'xapp-1-2' });
    expect(socket.slack).toMatchObject({ appToken: 'xapp-1-2', signingSecret: undefined });
    expect(problems(withoutSecret)).toContain('SLACK_SIGNING_SECRET is required but not set');
    expect(problems({ ...withoutSecret, SLACK_SIGNING_SECRET: '  ' })).toContain('SLACK_SIGNING_SECRET is required');
  });

  it('reads APPROVER_GROUP (ID or handle) and TWO_APPROVALS_FOR, and refuses four eyes with one approver', () => {
    expect(parseConfig({ ...valid, APPROVER_GROUP: '@cc-admins' }).approverGroup).toBe('cc-admins');
    expect(parseConfig({ ...valid, APPROVER_GROUP: 'S0123ABCD' }).approverGroup).toBe('S0123ABCD');
    expect(parseConfig(valid)).toMatchObject({ approverGroup: undefined, twoApprovalsFor: [] });
    // A group alone may name the approvers.
    expect(parseConfig({ ...valid, APPROVER_IDS: '', APPROVER_GROUP: 'cc-admins' }).approverIds).toEqual([]);
    expect(problems({ ...valid, APPROVER_GROUP: 'CC Admins!' })).toContain('APPROVER_GROUP must be a Slack user group ID');
    expect(parseConfig({ ...valid, TWO_APPROVALS_FOR: 'admin, supervisor,admin' }).twoApprovalsFor).toEqual(['admin', 'supervisor']);
    expect(problems({ ...valid, TWO_APPROVALS_FOR: 'admin,boss' })).toContain('TWO_APPROVALS_FOR must be user types (agent, supervisor, admin, non_agent)');
    // Four eyes with one approver would deadlock: refused, naming the setting.
    const one = problems({ ...valid, APPROVER_IDS: 'U0AAA', TWO_APPROVALS_FOR: 'admin' });
    expect(one).toContain('TWO_APPROVALS_FOR needs at least two approvers');
    expect(problems({ ...valid, APPROVER_IDS: 'U0AAA,U0AAA', TWO_APPROVALS_FOR: 'admin' })).toContain('TWO_APPROVALS_FOR needs at least two approvers');
    // With a group, start-up checks its members once read (test/integration/approver-group.test.ts).
    expect(parseConfig({ ...valid, APPROVER_IDS: 'U0AAA', APPROVER_GROUP: 'cc-admins', TWO_APPROVALS_FOR: 'admin' }).twoApprovalsFor).toEqual(['admin']);
  });

  it('names every missing setting', () => {
    const message = problems({});
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'TENANT_SUFFIX', 'APPROVALS_CHANNEL']) expect(message).toContain(`${name} is required but not set`);
    expect(message).toContain('APPROVER_IDS must name at least one approver');
  });

  it('names each malformed setting and what it should be', () => {
    expect(problems({ ...valid, TENANT_SUFFIX: 'abcd' })).toContain('TENANT_SUFFIX must be exactly 3 letters or digits');
    expect(problems({ ...valid, TENANT_SUFFIX: 'ab' })).toContain('TENANT_SUFFIX');
    expect(problems({ ...valid, SLACK_BOT_TOKEN: 'xoxp-user-token' })).toContain('SLACK_BOT_TOKEN must be a bot token');
    expect(problems({ ...valid, DATABASE_URL: 'mysql://x' })).toContain('DATABASE_URL must be a postgres:// URL');
    expect(problems({ ...valid, APPROVER_IDS: 'alice,bob' })).toContain('APPROVER_IDS must be Slack user IDs');
    expect(problems({ ...valid, PORT: 'eighty' })).toContain('PORT');
    expect(problems({ ...valid, PHONE_DEFAULT_COUNTRY: 'XX' })).toContain('PHONE_DEFAULT_COUNTRY must be a two-letter country code');
    expect(problems({ ...valid, PASSWORD_POLICY: 'weak' })).toContain('PASSWORD_POLICY');
    expect(problems({ ...valid, SMTP_URL: 'http://mail' })).toContain('SMTP_URL must be an smtp://');
  });

  it('never echoes a secret value in its message', () => {
    const message = problems({ ...valid, SLACK_BOT_TOKEN: 'not-a-token-SECRET123' });
    expect(message).not.toContain('SECRET123');
  });
});

describe('configuration: approval reminders and expiry', () => {
  it('reminds after 24 hours and expires after a week by default', () => {
    expect(parseConfig(valid)).toMatchObject({ remindAfterHours: 24, expireAfterHours: 168 });
  });

  it('takes whole hours from the environment', () => {
    expect(parseConfig({ ...valid, REMIND_AFTER_HOURS: '4', EXPIRE_AFTER_HOURS: '48' })).toMatchObject({ remindAfterHours: 4, expireAfterHours: 48 });
  });

  it('names a malformed setting, and refuses an expiry that comes before the first reminder', () => {
    expect(problems({ ...valid, REMIND_AFTER_HOURS: 'soon' })).toContain('- REMIND_AFTER_HOURS');
    expect(problems({ ...valid, EXPIRE_AFTER_HOURS: '0' })).toContain('- EXPIRE_AFTER_HOURS');
    expect(problems({ ...valid, REMIND_AFTER_HOURS: '48', EXPIRE_AFTER_HOURS: '24' })).toContain('- EXPIRE_AFTER_HOURS must be greater than REMIND_AFTER_HOURS');
  });

  it('has sign-in settings: limits per address and account, optional API tokens, TRUST_PROXY hops, HSTS from an https PUBLIC_URL', () => {
    expect(parseConfig(valid).signIn).toEqual({ limits: { perAddress: 200, perAccount: 30, windowMinutes: 15 }, apiTokens: [], trustProxyHops: 0, https: false });
    const token = 'a'.repeat(32);
    const set = parseConfig({
      ...valid,
      SIGN_IN_LIMIT_PER_ADDRESS: '1000',
      SIGN_IN_LIMIT_PER_ACCOUNT: '12',
      SIGN_IN_LIMIT_WINDOW_MINUTES: '60',
      SIGN_IN_API_TOKENS: ` ${token}, ${'B'.repeat(40)}-x_y.z~+/= ,`,
      TRUST_PROXY: '2',
      PUBLIC_URL: 'https://provision.example.com',
    });
    expect(set.signIn).toEqual({ limits: { perAddress: 1000, perAccount: 12, windowMinutes: 60 }, apiTokens: [token, `${'B'.repeat(40)}-x_y.z~+/=`], trustProxyHops: 2, https: true });
    expect(parseConfig({ ...valid, PUBLIC_URL: 'http://provision.example.com' }).signIn.https).toBe(false);
  });

  it('refuses malformed sign-in settings by name, without echoing a token', () => {
    expect(problems({ ...valid, SIGN_IN_LIMIT_PER_ACCOUNT: '0' })).toContain('SIGN_IN_LIMIT_PER_ACCOUNT');
    expect(problems({ ...valid, SIGN_IN_LIMIT_PER_ADDRESS: 'lots' })).toContain('SIGN_IN_LIMIT_PER_ADDRESS');
    expect(problems({ ...valid, SIGN_IN_LIMIT_WINDOW_MINUTES: '1.5' })).toContain('SIGN_IN_LIMIT_WINDOW_MINUTES');
    expect(problems({ ...valid, TRUST_PROXY: 'yes' })).toContain('TRUST_PROXY must be the number of reverse proxies');
    expect(problems({ ...valid, TRUST_PROXY: '-1' })).toContain('TRUST_PROXY');
    const short = problems({ ...valid, SIGN_IN_API_TOKENS: 'shortSECRET123' });
    expect(short).toContain('SIGN_IN_API_TOKENS must be tokens of at least 32 characters');
    expect(short).not.toContain('SECRET123');
    expect(problems({ ...valid, SIGN_IN_API_TOKENS: `${'a'.repeat(32)} with spaces inside it` })).toContain('SIGN_IN_API_TOKENS');
  });

  it('.env.example names the sign-in settings with their defaults, and parses as it stands', () => {
    const example = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
    for (const name of ['SIGN_IN_LIMIT_PER_ADDRESS', 'SIGN_IN_LIMIT_PER_ACCOUNT', 'SIGN_IN_LIMIT_WINDOW_MINUTES', 'SIGN_IN_API_TOKENS', 'TRUST_PROXY']) expect(example).toHaveProperty(name);
    expect(parseConfig(example).signIn).toEqual(parseConfig(valid).signIn);
  });
});
