import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  SLACK_SIGNING_SECRET: 'secret',
  TENANT_SUFFIX: 'abc',
  APPROVALS_CHANNEL: 'C0APPROVALS',
  APPROVER_IDS: 'U0AAA',
};

function refusal(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration: approval reminders and expiry', () => {
  it('reminds after 24 hours and expires after a week by default', () => {
    expect(parseConfig(valid)).toMatchObject({ remindAfterHours: 24, expireAfterHours: 168 });
  });

  it('takes whole hours from the environment', () => {
    expect(parseConfig({ ...valid, REMIND_AFTER_HOURS: '4', EXPIRE_AFTER_HOURS: '48' })).toMatchObject({ remindAfterHours: 4, expireAfterHours: 48 });
  });

  it('names a malformed setting, and refuses an expiry that comes before the first reminder', () => {
    expect(refusal({ ...valid, REMIND_AFTER_HOURS: 'soon' })).toContain('- REMIND_AFTER_HOURS');
    expect(refusal({ ...valid, EXPIRE_AFTER_HOURS: '0' })).toContain('- EXPIRE_AFTER_HOURS');
    expect(refusal({ ...valid, REMIND_AFTER_HOURS: '48', EXPIRE_AFTER_HOURS: '24' })).toContain('- EXPIRE_AFTER_HOURS must be greater than REMIND_AFTER_HOURS');
  });
});
