import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runningService.js';

describe('the command line’s refusals', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'payrec-cli-messages-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('name the option, the value it had and what it takes, with exit 2', async () => {
    const refused = await runCli(
      ['payments', 'list', '--status', 'paid', '--limit', '0', '--created-from', 'yesterday'],
      { PAYREC_DATA_DIR: dataDir },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'payrec: check --status "paid" is not one of pending, success, failed, expired, cancelled, refunded; ' +
        '--created-from "yesterday" is not an ISO-8601 instant with a time zone (e.g. 2026-11-24T10:00:00Z); ' +
        '--limit "0" is below 1.',
    );
  });

  it("say in payrec's words what the argument parser refused, never Node's advice", async () => {
    const cases: ReadonlyArray<readonly [readonly string[], string]> = [
      [
        ['backup', '--bogus'],
        'payrec: unknown option --bogus\nSee "payrec backup --help" for usage.\n',
      ],
      [
        ['payments', 'list', '--limit'],
        'payrec: --limit needs a value\nSee "payrec payments --help" for usage.\n',
      ],
      [
        ['reconcile', '--once=3'],
        'payrec: --once takes no value\nSee "payrec reconcile --help" for usage.\n',
      ],
    ];
    for (const [args, message] of cases) {
      const refused = await runCli(args, { PAYREC_DATA_DIR: dataDir });
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr, args.join(' ')).toBe(message);
    }
  });
});
