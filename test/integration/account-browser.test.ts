import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userThroughApproval } from '../support/through-approval.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/**
 * A person's first sign-in in a real headless Chromium (Debian's, installed by .ci/run), driven by
 * playwright-core: fields found by their labels, as a screen reader would find them.
 * Without a browser the file is skipped with a message, except in CI, where that is a failure.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(executablePath);
const inCi = Boolean(process.env.CI);
if (!haveBrowser) {
  const message = `[account-browser] no Chromium at ${executablePath} (set CHROMIUM_PATH, or apt-get install chromium)`;
  if (inCi) throw new Error(`${message}: CI must run the browser test`);
  console.warn(`${message}: the browser test is skipped`);
}

const DEFAULT = 'Jd5555551234!!';
const NEW = 'Correct horse battery 9';

describe.skipIf(!haveBrowser)(`first sign-in in a browser (${testDriver})`, () => {
  let t: TestBot;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    t = await startTestBot({ LOG_LEVEL: 'warn' });
    baseUrl = t.baseUrl;
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), requester, janeDoe({ username: 'jdoe' }));

    browser = await chromium.launch({
      executablePath,
      headless: true,
      // Root in a container, and a machine with no network beyond the loopback.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    // A style blocked by the Content-Security-Policy, or any script error, shows here.
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(m.text());
    });
    page.on('pageerror', (e) => consoleProblems.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in with the default password, is sent to the change form, sets a new password, then signs in with it', async () => {
    const opened = await page.goto(`${baseUrl}/account`);
    expect(opened?.status()).toBe(200);
    expect(await page.title()).toContain('Sign in');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.getByLabel('Sign-in name').fill('jdoe@abc');
    await page.getByLabel('Password', { exact: true }).fill(DEFAULT);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Straight to the change form, with nothing else on offer.
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    expect(await page.getByLabel('Sign-in name').inputValue()).toBe('jdoe@abc');
    expect(await page.getByRole('link').count()).toBe(0);
    // No password comes back into the page.
    expect(await page.content()).not.toContain(DEFAULT);

    // A new password with the username in it is refused on its field.
    await page.getByLabel('Current password').fill(DEFAULT);
    await page.getByLabel('New password', { exact: true }).fill('jdoe-is-my-password');
    await page.getByLabel('Confirm new password').fill('jdoe-is-my-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('New password must not contain your username').first().waitFor();
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('New password', { exact: true }).inputValue()).toBe('');

    await page.getByLabel('Current password').fill(DEFAULT);
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Confirm new password').fill(NEW);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password has been changed' }).waitFor();

    // The one-time password no longer works…
    await page.getByLabel('Password', { exact: true }).fill(DEFAULT);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'did not work' }).waitFor();

    // …the new one does.
    await page.getByLabel('Password', { exact: true }).fill(NEW);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Password accepted' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('The password for jdoe@abc is correct');

    expect(consoleProblems.filter((p) => !p.includes('401') && !p.includes('400'))).toEqual([]);
  });
});
