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
});
