import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../src/apiTokens.js';
import {
  browserMissing,
  launchChromium,
  overflowsWidth,
  screenshot,
  seriousViolations,
} from '../support/browser.js';
import { startOperatorScenario, type OperatorScenario } from '../support/operatorScenario.js';

const operatorToken = 'alice-operate-token-0123456789abcdef';
const readerToken = 'auditor-read-token-0123456789abcdef';
const scenarioToken = 'scenario-operate-token-0123456789ab';

const missing = browserMissing();
if (missing !== null) {
  // In CI the browser is installed by .ci/run: there, a missing browser is a failure.
  if (process.env['CI'] === 'true') throw new Error(`the browser tests cannot run: ${missing}`);
  process.stderr.write(`[payrec] the console's browser tests are skipped: ${missing}\n`);
}

describe.skipIf(missing !== null)('the console, in a real browser', () => {
  let scenario: OperatorScenario;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    const tokensFile = join(
      (await import('node:os')).tmpdir(),
      `payrec-console-tokens-${process.pid}`,
    );
    writeFileSync(
      tokensFile,
      [`alice operate ${tokenHash(operatorToken)}`, `auditor read ${tokenHash(readerToken)}`].join(
        '\n',
      ),
    );
    scenario = await startOperatorScenario({
      PAYREC_API_TOKENS_FILE: tokensFile,
      PAYREC_API_TOKEN: scenarioToken,
    });
    baseUrl = await scenario.service.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser.close();
    await scenario.close();
  });

  /** A fresh browser profile (no cookies), with downloads allowed, at a width. */
  const session = (width = 1280): Promise<BrowserContext> =>
    browser.newContext({
      viewport: { width, height: 900 },
      acceptDownloads: true,
      baseURL: baseUrl,
    });

  const signIn = async (page: Page, token: string) => {
    await page.goto('/console');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console');
  };

  /** What a person checks on every page: it is accessible, and it fits a phone. */
  const checkPage = async (page: Page, name: string) => {
    expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
    await screenshot(page, name);
    const width = page.viewportSize()?.width ?? 1280;
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await overflowsWidth(page), `${name} at 375 px`).toBe(false);
    await screenshot(page, `${name}-375px`);
    await page.setViewportSize({ width, height: 900 });
  };

  it('signs in, searches, opens a payment, moves its asOf, resolves, re-drives, downloads and signs out', async () => {
    const context = await session();
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto('/console');
    await checkPage(page, 'sign-in');
    await signIn(page, operatorToken);
    const cookie = (await context.cookies()).find((c) => c.name === 'payrec_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookie?.value).not.toContain(operatorToken);

    // The overview.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    const counts = page.getByRole('table').first();
    expect(await counts.getByRole('row', { name: /^success/ }).textContent()).toMatch(/2/);
    expect(await page.locator('svg.chart rect.rejected').count()).toBeGreaterThan(0);
    expect(await page.getByText('amount-mismatch').count()).toBeGreaterThan(0);
    // The chart has a time axis (UTC, every ten minutes) and a scale from 0 to its top.
    const ticks = await page.locator('svg.chart:not(.ages) text.tick').allTextContents();
    expect(ticks).toContain('0');
    expect(ticks.filter((tick) => /^\d{2}:\d0$/.test(tick)).length).toBeGreaterThanOrEqual(5);
    // Discrepancies' ages drawn too, one bar per kind, and the total in words above the table.
    expect(await page.locator('svg.chart.ages rect[class^="age-"]').count()).toBeGreaterThan(0);
    expect(await page.locator('p.total').textContent()).toMatch(/^\d[\d,]* payments in all$/);
    // An icon, and the API document one click away.
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe(
      '/console/favicon.svg',
    );
    const icon = await context.request.get('/console/favicon.svg');
    expect(icon.headers()['content-type']).toBe('image/svg+xml');
    expect(await page.getByRole('link', { name: 'API docs' }).getAttribute('href')).toBe('/docs');
    await checkPage(page, 'overview');
    // At 375 px a table that is wider than the screen shows that it scrolls: a shadow at its edge.
    await page.setViewportSize({ width: 375, height: 800 });
    const cue = await page
      .locator('.scroll')
      .first()
      .evaluate((element) => ({
        scrolls: element.scrollWidth > element.clientWidth,
        background: getComputedStyle(element).backgroundImage,
      }));
    if (cue.scrolls) expect(cue.background).toContain('radial-gradient');
    expect(await page.locator('p.total').isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Search.
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.getByLabel('Status').selectOption('success');
    await page.getByRole('button', { name: 'Search' }).click();
    const found = page.locator('table.payments tbody tr');
    await expect.poll(() => found.count()).toBe(2);
    expect(await found.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('A-1'), expect.stringContaining('K-1')]),
    );
    await checkPage(page, 'payments');

    // A CSV of what matches.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
    expect(csv[0]).toMatch(
      /^provider,ref,status,amountMinor,amount,currency,orderId,createdAt,updatedAt/,
    );
    expect(csv.filter((line) => line.includes(',success,'))).toHaveLength(2);
    expect(download.suggestedFilename()).toMatch(/^payrec-payments-.*\.csv$/);

    // Open a payment and move its asOf.
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Open discrepancy').selectOption('true');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'kraken-embed B-2' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('kraken-embed/B-2');
    // Named as the lists name it, in the words every page uses.
    expect(
      await page
        .getByRole('heading', {
          name: 'amount-mismatch: amount: payrec USD 100.00, provider USD 90.00',
        })
        .count(),
    ).toBe(1);
    await checkPage(page, 'payment');
    // The instant is typed in UTC, 24-hour, with a space or a T.
    expect(await page.getByLabel('As of (UTC, 24-hour)').getAttribute('type')).toBe('text');
    await page.getByLabel('As of (UTC, 24-hour)').fill('2099-01-01 23:59:59');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('.asof').textContent()).toContain('2099-01-01T23:59:59Z');
    expect(await page.content()).toContain('value="2099-01-01 23:59:59"');
    await page.getByRole('link', { name: 'Now' }).click();
    await page.getByRole('link', { name: 'state after this' }).first().click();
    await expect.poll(() => page.locator('.asof').textContent()).toMatch(/As the log stood at/);
    expect(await page.getByRole('heading', { name: /^amount-mismatch:/ }).count()).toBe(0);
    expect(await page.getByLabel('As of (UTC, 24-hour)').inputValue()).not.toBe('');
    await page.getByLabel('As of (UTC, 24-hour)').fill('2020-01-01T00:00:00');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect
      .poll(() => page.locator('.refusal').first().textContent())
      .toMatch(/PAYMENT_NOT_FOUND.*as of 2020-01-01T00:00:00Z/);
    await page.getByRole('link', { name: 'Now' }).click();

    // Resolve its discrepancy.
    await page.getByLabel('Resolution').selectOption('accepted-provider');
    await page.getByLabel('Why').fill('The customer paid 90.00; agreed with the merchant.');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Discrepancy resolved/);
    expect(await page.getByRole('heading', { name: /^amount-mismatch:/ }).count()).toBe(0);
    // Accepting the provider's figure lets the success it held back through, at 90.00.
    expect(await page.locator('dd .status').first().textContent()).toBe('success');
    expect(await page.locator('main').textContent()).toContain('90.00 USD');
    const resolved = (
      await scenario.service.app.inject({
        url: '/discrepancies?state=resolved',
        headers: scenario.headers,
      })
    ).json<{ items: Array<{ resolution: { actor: string; note: string } }> }>();
    expect(resolved.items[0]?.resolution).toMatchObject({
      actor: 'alice',
      note: 'The customer paid 90.00; agreed with the merchant.',
    });

    // The discrepancies page, all states.
    await page.getByRole('link', { name: 'Discrepancies', exact: true }).click();
    await page.getByLabel('State').selectOption('resolved');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.getByRole('cell', { name: /resolved: accepted-provider/ }).count()).toBe(1);
    await checkPage(page, 'discrepancies');

    // Bulk re-drive: a preview, then the re-drive on confirmation. The success just let through
    // requested a fulfilment too, which the receiver (down) exhausts: three match.
    await expect
      .poll(
        async () =>
          (
            await scenario.service.app.inject({
              url: '/fulfilments?status=exhausted',
              headers: scenario.headers,
            })
          ).json<{ items: unknown[] }>().items.length,
        { timeout: 15_000 },
      )
      .toBe(3);
    await page.getByRole('link', { name: 'Fulfilments', exact: true }).click();
    await checkPage(page, 'fulfilments');
    await page.getByLabel('Reason (recorded with each re-drive)').fill('merchant backend back up');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/3 exhausted fulfilments match/);
    await checkPage(page, 'fulfilments-preview');
    await page.getByRole('button', { name: 'Re-drive 3 now' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Re-drove 3 of 3/);

    // Deliveries: rejections with their codes, and a replay that is a dry run until confirmed.
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    expect(await page.getByText('INVALID_SECRET').count()).toBeGreaterThan(0);
    await checkPage(page, 'deliveries');
    const krakenRow = page.getByRole('row', { name: /kraken-embed\/C-3/ });
    await krakenRow.getByRole('button', { name: 'Replay (dry run)' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Replay: dry run');
    expect(await page.getByText('nothing new (already recorded)').count()).toBe(1);
    expect(await page.getByText('Dry run: nothing was appended.').count()).toBe(1);
    await checkPage(page, 'replay');

    // Sign out: the session is gone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.goto('/console/payments');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(cspViolations).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows a read token no action, and the server refuses the action anyway', async () => {
    const context = await session();
    const page = await context.newPage();
    await signIn(page, readerToken);
    await page.goto('/console/payments/kraken-pay/none');
    await page.goto('/console/fulfilments');
    expect(await page.getByRole('button', { name: 'Preview' }).count()).toBe(0);
    await page.goto('/console/deliveries');
    expect(await page.getByRole('button', { name: /Replay/ }).count()).toBe(0);
    await page.goto('/console/payments/kraken-embed/A-1');
    expect(await page.locator('form[method="post"]').count()).toBe(1); // sign-out only
    // A hand-made post with a valid CSRF token: the API refuses the read token.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const forced = await page.request.post('/console/fulfilments/redrive', {
      form: { _csrf: csrf, reason: 'sneaky', confirm: 'yes' },
    });
    expect(forced.status()).toBe(403);
    expect(await forced.text()).toContain('FORBIDDEN');
    await context.close();
  }, 60_000);

  it('refuses a form posted without its CSRF token', async () => {
    const context = await session();
    const page = await context.newPage();
    await signIn(page, operatorToken);
    const forged = await page.request.post('/console/fulfilments/redrive', {
      form: { reason: 'from another site', confirm: 'yes' },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('CSRF');
    await context.close();
  }, 60_000);

  it('browses the API document at /docs without a token', async () => {
    const context = await session();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto('/docs/');
    const operation = page.getByText('/payments/{provider}/{ref}/events', { exact: true }).first();
    await operation.waitFor({ timeout: 30_000 });
    expect(await page.getByText('payrec', { exact: false }).count()).toBeGreaterThan(0);
    await screenshot(page, 'docs');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
