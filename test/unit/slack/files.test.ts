import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadSharedFile, uploadTextFile } from '../../../src/slack/files.js';
import { startSlackDouble, type SlackDouble } from '../../support/slack-double.js';

// Files against the Slack Web API double over HTTP: the same WebClient calls the bot makes.
let slack: SlackDouble;
let client: WebClient;

beforeAll(async () => {
  slack = await startSlackDouble();
  client = new WebClient('xoxb-test-token', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());

describe('downloadSharedFile', () => {
  it('reads a shared file with the bot token', async () => {
    const shared = slack.addFile({ name: 'class.csv', content: 'username,first_name\r\njdoe,Jane\r\n' });
    const got = await downloadSharedFile(client, shared.id, 1024);
    expect(got).toMatchObject({ ok: true, file: { id: shared.id, name: 'class.csv', filetype: 'csv', size: 32 } });
    expect(got.ok && got.content.toString('utf8')).toBe('username,first_name\r\njdoe,Jane\r\n');
    expect(slack.downloads.at(-1)).toEqual({ fileId: shared.id, authorized: true });
  });

  it('refuses a file larger than the limit without downloading it', async () => {
    const shared = slack.addFile({ name: 'big.csv', content: 'x'.repeat(2048) });
    const before = slack.downloads.length;
    expect(await downloadSharedFile(client, shared.id, 1024)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(slack.downloads.length).toBe(before);
  });

  it('says not_found for a file Slack does not know', async () => {
    expect(await downloadSharedFile(client, 'F999999', 1024)).toMatchObject({ ok: false, reason: 'not_found' });
  });

  it('keeps binary content byte for byte (a UTF-16 file as Excel saves it)', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r\n', 'utf16le')]);
    const shared = slack.addFile({ name: 'excel.csv', content: bytes });
    const got = await downloadSharedFile(client, shared.id, 1024);
    expect(got.ok && got.content.equals(bytes)).toBe(true);
  });
});

describe('uploadTextFile', () => {
  it('shares the content in the channel and thread asked for', async () => {
    await uploadTextFile(client, { channel: 'C0APPROVALS', threadTs: '1700000001.000100', filename: 'results.csv', content: 'username,outcome\njdoe,created\n', initialComment: 'Results' });
    const file = await slack.waitForUpload((f) => f.name === 'results.csv');
    expect(file).toMatchObject({ channel: 'C0APPROVALS', threadTs: '1700000001.000100', initialComment: 'Results', title: 'results.csv' });
    expect(file.content.toString('utf8')).toBe('username,outcome\njdoe,created\n');
  });

  it('shares into a DM channel without a thread', async () => {
    await uploadTextFile(client, { channel: 'D0U0HR', filename: 'directory.csv', content: 'a\n' });
    const file = await slack.waitForUpload((f) => f.name === 'directory.csv');
    expect(file.channel).toBe('D0U0HR');
    expect(file.threadTs).toBeUndefined();
  });
});
