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

  it('lists every command in aligned columns, backup, restore, migrate and --version included', async () => {
    const { stdout, code } = await runCli(['--help']);
    expect(code).toBe(0);
    const summary = stdout.slice(
      stdout.indexOf('Commands:\n') + 10,
      stdout.indexOf('\n\n', stdout.indexOf('Commands:')),
    );
    const lines = summary.split('\n');
    for (const command of [
      ...commands,
      'payments register',
      'backup',
      'restore',
      'migrate',
      '--version',
    ]) {
      expect(
        lines.some((line) => line.startsWith(`  ${command}`)),
        command,
      ).toBe(true);
    }
    // Every description starts in one column: two spaces past the longest name.
    const columns = new Set(lines.map((line) => /^ {2}\S.*?\S {2,}(?=\S)/.exec(line)?.[0].length));
    expect(columns.size, summary).toBe(1);
  });

  it.each([
    [['payments', 'show', '--help'], 'payrec payments show <provider> <ref>'],
    [['payments', 'register', '--help'], 'payrec payments register <provider> <ref>'],
    [['discrepancies', 'resolve', '-h'], 'payrec discrepancies resolve <id>'],
  ])('payrec %j prints that action’s usage alone', async (args, expected) => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`Usage: ${expected}`), result.stdout).toBe(true);
    expect(result.stdout.match(/Usage:/g)).toHaveLength(1);
  });

  it('says why reconcile needs --once, exit 2', async () => {
    const result = await runCli(['reconcile'], { PAYREC_DATA_DIR: '/nonexistent/never-opened' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^payrec: reconcile runs one cycle and exits, so it needs --once/,
    );
    expect(result.stderr).toContain('Usage: payrec reconcile --once');
  });

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
