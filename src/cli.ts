#!/usr/bin/env node
import { packageVersion } from './packageVersion.js';
import { backupCommand, backupUsage } from './commands/backupCommand.js';
import { checkCommand, checkUsage } from './commands/checkCommand.js';
import { restoreCommand, restoreUsage } from './commands/restoreCommand.js';
import { migrateCommand, migrateUsage } from './commands/migrateCommand.js';
import { deliveriesCommand, deliveriesUsage } from './commands/deliveriesCommand.js';
import { demoCommand } from './commands/demoCommand.js';
import { reconcileCommand, reconcileUsage } from './commands/reconcileCommand.js';
import { providerModules } from './adapters/providers/index.js';
import { providerCommand, providerCommandsUsage } from './commands/providerCommand.js';
import {
  paymentsActionUsages,
  paymentsCommand,
  paymentsUsage,
} from './commands/paymentsCommand.js';
import { projectionsCommand, projectionsUsage } from './commands/projectionsCommand.js';
import { serveCommand } from './commands/serveCommand.js';
import { simulateCommand, simulateUsage } from './commands/simulateCommand.js';
import { PayrecError } from './domain/index.js';
import { argumentProblem, UsageError } from './commands/commandOptions.js';
import {
  discrepanciesActionUsages,
  discrepanciesCommand,
  discrepanciesUsage,
} from './commands/discrepanciesCommand.js';
import { exportCommand, exportUsage } from './commands/exportCommand.js';
import { reportCommand, reportUsage } from './commands/reportCommand.js';

/** Every command, for the summary: the name as typed, and what it does. */
const commandSummaries: ReadonlyArray<readonly [string, string]> = [
  ['serve', 'Run the service: webhooks, API, console, poller, notifications.'],
  ['simulate serve|send', 'The provider simulator (see "payrec simulate --help").'],
  ['demo', 'payrec and the simulator together, with a realistic mix of deliveries.'],
  ['payments list', 'Payments by status, provider, order, dates, currency, amount.'],
  ['payments show', "A payment's state and audit trail, from the event log."],
  ['payments register', 'Register an expected payment (amount, order, deadline).'],
  ['projections rebuild', 'Rebuild read models from the event log.'],
  ['deliveries replay', 'Re-verify a stored delivery and re-run it through the decider.'],
  ['reconcile --once', "One reconciliation cycle against the providers' status endpoints."],
  ['check', "Check the integrity of payrec's databases (exit 1 when one fails)."],
  ['backup --to DIR', 'An online backup of every database, with a manifest.'],
  ['restore --from DIR', 'Restore a backup into an empty data directory.'],
  ['migrate --to TARGET', 'Copy every event to EventStoreDB or another embedded store.'],
  ['export <kind>', 'Every matching payment, event, discrepancy or delivery (CSV, NDJSON).'],
  ['report settlement', 'Per day, provider, currency and status: counts and exact sums.'],
  ['discrepancies list', 'The discrepancies finance must look at.'],
  ['discrepancies acknowledge', 'Say a person has seen one, with a note.'],
  ['discrepancies resolve', 'Close one, with a resolution and a note.'],
  ...providerModules.flatMap((module) =>
    module.commands.map((command) => [`${module.name} ${command.name}`, command.summary] as const),
  ),
  ['--version', "payrec's version."],
  ['<command> --help', "A command's own usage (payments show --help: show alone)."],
];

const nameWidth = Math.max(...commandSummaries.map(([name]) => name.length));

const usage = `Usage: payrec <command>

Commands:
${commandSummaries.map(([name, summary]) => `  ${name.padEnd(nameWidth)}  ${summary}`).join('\n')}

Configuration comes from the environment; see docs/configuration.md.

${simulateUsage}

${paymentsUsage}

${projectionsUsage}

${deliveriesUsage}

${reconcileUsage}

${checkUsage}

${backupUsage}

${restoreUsage}

${migrateUsage}

${exportUsage}

${reportUsage}

${discrepanciesUsage}

${providerCommandsUsage(providerModules)}`;

const serveUsage = `Usage: payrec serve
  Run the service: webhooks, the query and admin API, projections, the reconciliation poller and
  fulfilment notifications. Configuration comes from the environment (docs/configuration.md).`;

const demoUsage = `Usage: payrec demo [--payments N] [--port N] [--simulator-port N]
  payrec and the provider simulator together on a fresh embedded store, with a realistic mix of
  deliveries (repeats and forgeries included); prints what payrec made of each payment. Both
  listen on 127.0.0.1, on the ports given (default 0: any free one). npm run demo -- --port 8081`;

/** Each command's usage, for `payrec <command> --help`. */
const usageOf: Readonly<Record<string, string>> = {
  serve: serveUsage,
  simulate: simulateUsage,
  demo: demoUsage,
  payments: paymentsUsage,
  projections: projectionsUsage,
  deliveries: deliveriesUsage,
  reconcile: reconcileUsage,
  check: checkUsage,
  backup: backupUsage,
  restore: restoreUsage,
  migrate: migrateUsage,
  export: exportUsage,
  report: reportUsage,
  discrepancies: discrepanciesUsage,
  ...Object.fromEntries(
    providerModules
      .filter((module) => module.commands.length > 0)
      .map((module) => [module.name, providerCommandsUsage([module])]),
  ),
};

/** The commands whose actions have a usage of their own (`payrec payments show --help`). */
const actionUsageOf: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  payments: paymentsActionUsages,
  discrepancies: discrepanciesActionUsages,
};

const run = async (argv: readonly string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`payrec ${packageVersion()}\n`);
    return 0;
  }
  // `payrec <command> --help` (or -h) anywhere before `--`: the command's usage, and nothing run.
  const beforeSeparator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (
    command !== undefined &&
    (beforeSeparator.includes('--help') || beforeSeparator.includes('-h'))
  ) {
    const action = rest[0];
    const commandUsage =
      (action === undefined ? undefined : actionUsageOf[command]?.[action]) ?? usageOf[command];
    if (commandUsage !== undefined) {
      process.stdout.write(`${commandUsage}\n`);
      return 0;
    }
  }
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'simulate':
      return simulateCommand(rest);
    case 'demo':
      return demoCommand(rest);
    case 'payments':
      return paymentsCommand(rest);
    case 'projections':
      return projectionsCommand(rest);
    case 'deliveries':
      return deliveriesCommand(rest);
    case 'reconcile':
      return reconcileCommand(rest);
    case 'backup':
      return backupCommand(rest);
    case 'restore':
      return restoreCommand(rest);
    case 'migrate':
      return migrateCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'report':
      return reportCommand(rest);
    case 'discrepancies':
      return discrepanciesCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return 0;
    case undefined:
      process.stderr.write(`${usage}\n`);
      return 2;
    default: {
      const module = providerModules.find((candidate) => candidate.name === command);
      if (module !== undefined) return providerCommand(module, rest);
      process.stderr.write(`payrec: unknown command "${command}"\n\n${usage}\n`);
      return 2;
    }
  }
};

/** Commands that run until stopped: a broken stdout there is not a reader that has had enough. */
const longRunning = new Set(['serve', 'demo', 'simulate']);

// A reader that stops reading (`payrec payments list | head -1`) is a normal end, not a failure:
// the rest of the output has nowhere to go, so payrec stops quietly with 0, as Unix tools do.
if (!longRunning.has(process.argv[2] ?? '')) {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    const usageProblem = error instanceof UsageError ? error.message : argumentProblem(error);
    if (usageProblem !== null) {
      const command = process.argv[2];
      const help =
        command !== undefined && Object.hasOwn(usageOf, command)
          ? `payrec ${command} --help`
          : 'payrec --help';
      process.stderr.write(`payrec: ${usageProblem}\nSee "${help}" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof PayrecError) {
      process.stderr.write(`payrec: ${error.message}\n`);
    } else if (error instanceof RangeError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`payrec: ${error.message}\n`);
      process.exitCode = 2;
      return;
    } else {
      process.stderr.write(`payrec: failed; see the error below.\n${String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
