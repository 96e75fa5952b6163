import { parseArgs } from 'node:util';
import { checkSqliteFile } from '../adapters/common/sqliteIntegrity.js';
import { loadConfig } from '../config.js';

export const checkUsage = `Usage: payrec check
  Checks the integrity of payrec's databases under PAYREC_DATA_DIR (the event log, the read
  models, the service database) with SQLite's own check, read-only, and exits 1 when one fails.
  It may run beside payrec serve.`;

/** `payrec check`: SQLite's integrity check of each of payrec's files; exit 1 when one fails. */
export const checkCommand = (args: readonly string[]): Promise<number> => {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
  if (positionals.length > 0) {
    process.stderr.write(
      `payrec: check takes no arguments (got "${positionals.join(' ')}").\n${checkUsage}\n`,
    );
    return Promise.resolve(2);
  }
  const config = loadConfig();
  const files = [
    ...(config.eventStore.kind === 'sqlite'
      ? [{ path: config.storage.events, role: 'event log', rebuild: 'restore it from a backup' }]
      : []),
    {
      path: config.storage.readModels,
      role: 'read models',
      rebuild: 'move it away: payrec rebuilds it',
    },
    {
      path: config.storage.service,
      role: 'service database',
      rebuild: 'move it away: payrec makes a new one',
    },
  ];
  let failed = 0;
  for (const file of files) {
    const report = checkSqliteFile(file.path);
    switch (report.state) {
      case 'ok':
        process.stdout.write(`ok      ${file.path} (${file.role})\n`);
        break;
      case 'absent':
        process.stdout.write(
          `absent  ${file.path} (${file.role}; payrec has not written it yet)\n`,
        );
        break;
      case 'failed':
        failed += 1;
        process.stdout.write(`FAILED  ${file.path} (${file.role}): ${file.rebuild}\n`);
        for (const problem of report.problems) process.stdout.write(`        ${problem}\n`);
        break;
    }
  }
  if (config.eventStore.kind === 'eventstoredb') {
    process.stdout.write('(the event log is in EventStoreDB, which checks itself)\n');
  }
  return Promise.resolve(failed === 0 ? 0 : 1);
};
