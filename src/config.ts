import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { isCountryCode } from './domain/phone.js';
import { PASSWORD_POLICIES, DEFAULT_PASSWORD_TTL_HOURS } from './domain/password.js';
import { DEFAULT_SIGN_IN_LIMITS } from './domain/sign-in-limits.js';
import { isTenantSuffix } from './domain/sign-in-name.js';
import { USER_TYPES } from './domain/user-types.js';

/**
 * Every setting, in one zod schema. This is the only module that reads process.env; a missing or
 * malformed setting stops start-up with a message naming it (ConfigError).
 */
const slackIdList = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((id) => id.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be Slack user IDs like U0123ABCD, comma-separated')));

const optionalText = z
  .string()
  .optional()
  .transform((s) => (s?.trim() ? s.trim() : undefined));

/**
 * Bearer tokens for the applications that call /api/v1/*: comma-separated, each at least 32 characters
 * (a random 24-byte base64 string is), so a short guessable one cannot be set by mistake.
 */
const apiTokenList = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9._~+/=-]{32,}$/, 'must be tokens of at least 32 characters (letters, digits, . _ ~ + / = -), comma-separated')));

/** A Slack user group: its ID (S0123ABCD) or its handle (cc-admins or @cc-admins), resolved at start. */
const usergroupRef = optionalText.pipe(
  z
    .string()
    .regex(/^(S[A-Z0-9]{2,}|@?[a-z0-9][a-z0-9._-]{0,79})$/, 'must be a Slack user group ID like S0123ABCD or its handle like @cc-admins')
    .transform((s) => s.replace(/^@/, ''))
    .optional(),
);

/** User types whose creation or change needs two different approvers. */
const userTypeList = z
  .string()
  .default('')
  .transform((s) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))])
  .pipe(z.array(z.enum(USER_TYPES, { error: `must be user types (${USER_TYPES.join(', ')}), comma-separated` })));

const flagDefaulting = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(fallback)
    .transform((s) => (s === '' ? fallback === 'true' : s === 'true' || s === '1' || s === 'yes'));
const flag = flagDefaulting('false');

const databaseFields = {
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional()),
  PGLITE_DIR: z.string().min(1).default('./data/pglite'),
  /** Where the templates of new embedded databases are kept; undefined = node_modules/.cache/provision-bot. */
  PGLITE_TEMPLATE_DIR: optionalText,
};

function databaseTarget(env: { DATABASE_URL?: string | undefined; PGLITE_DIR: string; PGLITE_TEMPLATE_DIR?: string | undefined }) {
  return env.DATABASE_URL ? ({ driver: 'postgres', url: env.DATABASE_URL } as const) : ({ driver: 'pglite', dataDir: env.PGLITE_DIR, templateDir: env.PGLITE_TEMPLATE_DIR } as const);
}

const schema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-'),
    // Signs requests to /slack/events; Socket Mode has no such requests, so there it may be left unset.
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.pipe(z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional()),
    SLACK_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    ...databaseFields,
    SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional()),
    MAIL_FROM: z.string().min(3).default('Provisioning Bot <provisioning@localhost>'),
    OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
    TENANT_SUFFIX: z.string().refine(isTenantSuffix, 'must be exactly 3 letters or digits'),
    APPROVALS_CHANNEL: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID like C0123ABCD'),
    APPROVER_IDS: slackIdList,
    APPROVER_GROUP: usergroupRef,
    TWO_APPROVALS_FOR: userTypeList,
    PORTAL_ADMIN_IDS: slackIdList,
    REQUESTER_IDS: slackIdList,
    ALLOW_SELF_APPROVAL: flag,
    RESET_NEEDS_APPROVAL: flagDefaulting('true'),
    /** The SIP registrar a phone registers with, shown with its credentials: a host name, optionally with :port. */
    SIP_REGISTRAR: optionalText.pipe(
      z
        .string()
        .regex(/^(?=.{1,253}(:\d{1,5})?$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*(:\d{1,5})?$/, 'must be a host name, optionally with :port, like sip.example.com or pbx.example.com:5061')
        .optional(),
    ),
    PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000), // 0 = any free port (tests)
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PHONE_DEFAULT_COUNTRY: z
      .string()
      .default('US')
      .refine(isCountryCode, 'must be a two-letter country code such as US or GB'),
    PASSWORD_POLICY: z.enum(PASSWORD_POLICIES).default('default'),
    DEFAULT_PASSWORD_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(DEFAULT_PASSWORD_TTL_HOURS),
    REFERENCE_DATA_FILE: optionalText,
    SIGN_IN_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_SIGN_IN_LIMITS.perAddress),
    SIGN_IN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_SIGN_IN_LIMITS.perAccount),
    SIGN_IN_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(DEFAULT_SIGN_IN_LIMITS.windowMinutes),
    SIGN_IN_API_TOKENS: apiTokenList,
    TRUST_PROXY: z.coerce.number({ error: 'must be the number of reverse proxies in front of the bot (0 = none)' }).int().min(0).max(10).default(0),
    REMIND_AFTER_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
    EXPIRE_AFTER_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  })
  .check(
    // `when`: asked even when other settings are wrong, so one message names every missing setting.
    z.refine((env) => Boolean(env.SLACK_SIGNING_SECRET) || Boolean(env.SLACK_APP_TOKEN), {
      path: ['SLACK_SIGNING_SECRET'],
      message: 'is required but not set (it may be left out only in Socket Mode, with SLACK_APP_TOKEN)',
      when: () => true,
    }),
    z.refine((env) => (Array.isArray(env.APPROVER_IDS) && env.APPROVER_IDS.length > 0) || Boolean(env.APPROVER_GROUP), {
      path: ['APPROVER_IDS'],
      message: 'must name at least one approver (or set APPROVER_GROUP)',
      when: () => true,
    }),
  )
  .superRefine((env, ctx) => {
    // Without a group the approvers are known now: fewer than two would leave such requests waiting forever.
    // With a group, start-up checks its membership once it has read it (bot.ts).
    if (env.TWO_APPROVALS_FOR.length > 0 && !env.APPROVER_GROUP && new Set(env.APPROVER_IDS).size < 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWO_APPROVALS_FOR'],
        message: `needs at least two approvers, but APPROVER_IDS names ${new Set(env.APPROVER_IDS).size} and APPROVER_GROUP is not set: no ${env.TWO_APPROVALS_FOR.join('/')} request could ever be approved`,
      });
    }
    if (env.EXPIRE_AFTER_HOURS <= env.REMIND_AFTER_HOURS) {
      ctx.addIssue({ code: 'custom', path: ['EXPIRE_AFTER_HOURS'], message: 'must be greater than REMIND_AFTER_HOURS' });
    }
  })
  .transform((env) => ({
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      /** Always set in HTTP mode (see the check above); optional in Socket Mode. */
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
    },
    database: databaseTarget(env),
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, outboxDir: env.OUTBOX_DIR },
    tenantSuffix: env.TENANT_SUFFIX,
    approvalsChannel: env.APPROVALS_CHANNEL,
    approverIds: env.APPROVER_IDS,
    /** APPROVER_GROUP: a user group ID, or a handle without its @ (resolved with usergroups.list at start). */
    approverGroup: env.APPROVER_GROUP,
    /** TWO_APPROVALS_FOR: creating or changing a user of these types needs two different approvers. */
    twoApprovalsFor: env.TWO_APPROVALS_FOR,
    portalAdminIds: env.PORTAL_ADMIN_IDS,
    /** Empty = anyone in the workspace may ask. */
    requesterIds: env.REQUESTER_IDS,
    allowSelfApproval: env.ALLOW_SELF_APPROVAL,
    /** RESET_NEEDS_APPROVAL: a reset waits for an approver; when false only approvers may ask, and theirs runs at once. */
    resetNeedsApproval: env.RESET_NEEDS_APPROVAL,
    /** SIP_REGISTRAR: shown with an extension's device credentials; undefined when the operator has not set it. */
    sipRegistrar: env.SIP_REGISTRAR,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    phoneDefaultCountry: env.PHONE_DEFAULT_COUNTRY,
    passwordPolicy: env.PASSWORD_POLICY,
    defaultPasswordTtlHours: env.DEFAULT_PASSWORD_TTL_HOURS,
    referenceDataFile: env.REFERENCE_DATA_FILE,
    signIn: {
      limits: { perAddress: env.SIGN_IN_LIMIT_PER_ADDRESS, perAccount: env.SIGN_IN_LIMIT_PER_ACCOUNT, windowMinutes: env.SIGN_IN_LIMIT_WINDOW_MINUTES },
      /** Empty = /api/v1/* needs no token (the /account page never does). */
      apiTokens: env.SIGN_IN_API_TOKENS,
      /** How many reverse proxies in front of the bot append to X-Forwarded-For; 0 = ignore the header. */
      trustProxyHops: env.TRUST_PROXY,
      /** HSTS is sent when the public address is https. */
      https: (env.PUBLIC_URL ?? '').startsWith('https:'),
    },
    /** Approvers are reminded of a request still pending after this long (and again after each such period). */
    remindAfterHours: env.REMIND_AFTER_HOURS,
    /** A request still pending after this long expires, and its requester is told. */
    expireAfterHours: env.EXPIRE_AFTER_HOURS,
  }));

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function explain(error: z.ZodError, env: Record<string, string | undefined>): ConfigError {
  const lines = error.issues.map((i) => {
    const name = String(i.path[0] ?? 'setting');
    const missing = i.code === 'invalid_type' && env[name] === undefined;
    return `- ${name} ${missing ? 'is required but not set' : i.message}`;
  });
  return new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee README.md ("Settings") and .env.example.`);
}

/** Validates settings; the message lists every bad one by name, e.g. "TENANT_SUFFIX must be exactly 3…". */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw explain(result.error, env);
}

/** `.env` when present, under the real environment, which wins as with every dotenv tool. */
function environment(envFile: string): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

export function loadConfig(envFile = '.env'): Config {
  return parseConfig(environment(envFile));
}

/** Only the database settings, for command-line tools that do not talk to Slack. */
export function parseConfigForDatabase(envFile = '.env'): Config['database'] {
  const env = environment(envFile);
  const result = z.object(databaseFields).safeParse(env);
  if (!result.success) throw explain(result.error, env);
  return databaseTarget(result.data);
}
