#!/usr/bin/env node
import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { PayrecError } from './domain/index.js';
import { createService } from './main.js';

const usage = `Usage: payrec <command>

Commands:
  serve    Run the service (webhooks, query API, projections, reconciliation).

Configuration comes from the environment; see the README.`;

const serve = async (): Promise<void> => {
  const config = loadConfig();
  const service = await createService(config);
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) service.logger.error({ err }, 'stopping after an unexpected error');
    else service.logger.info({ signal }, 'stopping: finishing in-flight requests and appends');
    await service.close();
  });
  await service.app.listen({ port: config.http.port, host: config.http.host });
  service.logger.info(
    {
      store: config.eventStore.kind,
      dataDir: config.eventStore.kind === 'sqlite' ? config.dataDir : undefined,
    },
    'payrec is serving',
  );
};

const main = async (argv: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (values['help'] === true || command === undefined || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return command === undefined && values['help'] !== true ? 2 : 0;
  }
  switch (command) {
    case 'serve':
      await serve();
      return 0;
    default:
      process.stderr.write(`payrec: unknown command "${command}"\n\n${usage}\n`);
      return 2;
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof PayrecError ? error.message : 'payrec failed to start; see the error below.';
    process.stderr.write(`payrec: ${message}\n`);
    if (!(error instanceof PayrecError)) process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
