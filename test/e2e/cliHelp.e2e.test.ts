import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runningService.js';

const commands = [
  'serve',
  'simulate',
  'demo',
  'payments',
  'projections',
  'deliveries',
  'reconcile',
  'check',
  'export',
  'report',
  'discrepancies',
  'kraken-embed',
];

/** The CLI as a new user tries it: `--version`, and `--help` on every command, which runs nothing. */
describe('payrec --version and payrec <command> --help', () => {
  it('prints the package version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result).toEqual({ code: 0, stdout: `payrec ${version}\n`, stderr: '' });
  });

  it.each(commands)(
    'payrec %s --help prints its usage and runs nothing, exit 0',
    async (command) => {
      for (const flag of ['--help', '-h']) {
        const result = await runCli([command, flag], {
          PAYREC_DATA_DIR: '/nonexistent/never-opened',
        });
        expect(result.code, `${command} ${flag}`).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage:\\s+payrec ${command}`));
        expect(result.stderr).toBe('');
      }
    },
  );

  it('still refuses an unknown command with exit 2', async () => {
    const result = await runCli(['frobnicate', '--help']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it.each([
    [['serve', '--port', '9'], /^payrec: unknown option --port\nSee "payrec serve --help"/],
    [['serve', 'now'], /^payrec: unexpected argument "now"\nSee "payrec serve --help"/],
    [['payments', 'show'], /name the payment: payrec payments show <provider> <ref>/],
    [['payments', 'show', 'kkiapay', 'R-1', 'again'], /unexpected argument "again"/],
    [
      ['payments', 'show', 'paypal', 'R-1'],
      /provider "paypal" is not one of kraken-pay, kraken-embed, kryptogo, kkiapay/,
    ],
    [
      ['payments', 'show', 'kkiapay', 'R-1', '--as-of', 'yesterday'],
      /--as-of "yesterday": give an ISO-8601 instant with a time zone/,
    ],
    [
      ['payments', 'frobnicate'],
      /"payrec payments" has no action "frobnicate": one of list, show, register/,
    ],
    [['projections', 'rebuild', 'nope'], /there is no projection "nope": one of payments, /],
    [['projections', 'rebuild', 'payments', 'twice'], /unexpected argument "twice"/],
    [['simulate'], /name what "payrec simulate" should do: one of serve, send/],
    [['simulate', 'serve', 'extra'], /unexpected argument "extra"/],
    [['reconcile', '--twice'], /^payrec: unknown option --twice\n/],
    [['check', 'all'], /check takes no arguments \(got "all"\)/],
    [['deliveries', 'replay', 'abc'], /"abc" is not a delivery id/],
    [['kraken-embed', 'frob'], /kraken-embed has no command "frob": one of register-webhook/],
    [
      ['kraken-embed', 'register-webhook', '--url', 'https://merchant.example/hook', 'extra'],
      /unexpected argument "extra"/,
    ],
  ])('payrec %j is refused with exit 2, naming the offender', async (args, message) => {
    const result = await runCli(args, { PAYREC_DATA_DIR: '/nonexistent/never-opened' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
