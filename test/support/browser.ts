/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when missing). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or `null` when they can. */
export const browserMissing = (): string | null =>
  existsSync(chromiumPath)
    ? null
    : `no Chromium at ${chromiumPath}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`;

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });

/** Where screenshots go: kept by CI with the rest of the test output. */
export const screenshotDirectory = resolve(
  process.env['PAYREC_SCREENSHOTS_DIR'] ?? 'test-output/screenshots',
);

export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(screenshotDirectory, { recursive: true });
  await page.screenshot({ path: join(screenshotDirectory, `${name}.png`), fullPage: true });
};

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export type AxeViolation = Readonly<{
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}>;

/**
 * axe-core's serious and critical violations on the page as it stands (WCAG 2.1 A and AA rules).
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export const seriousViolations = async (page: Page): Promise<AxeViolation[]> => {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{
            violations: Array<{
              id: string;
              impact: string | null;
              help: string;
              nodes: unknown[];
            }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.length,
    }));
  });
  return violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
};

/** Whether the page fits a narrow screen: nothing makes the whole page scroll sideways. */
export const overflowsWidth = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
