import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config.js';
import { createService } from '../main.js';

/**
 * `payrec serve`: the service, until SIGINT/SIGTERM; then in-flight work finishes first. Exits
 * with 1 at once, naming the address, when it cannot listen (taken, or an unknown host).
 */
export const serveCommand = async (args: readonly string[]): Promise<number> => {
  // It takes no option and no argument: anything given is a mistake to name, not to ignore.
  parseArgs({ args: [...args], options: {}, allowPositionals: false, strict: true });
  const config = loadConfig();
  const service = await createService(config);
  const { port, host } = config.http;
  // Before listening: a signal that arrives as the server starts still stops it gracefully.
  const graceful = closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) service.logger.error({ err }, 'stopping after an unexpected error');
    else service.logger.info({ signal }, 'stopping: finishing in-flight requests and appends');
    await service.close();
  });
  try {
    await service.app.listen({ port, host });
  } catch (error) {
    graceful.uninstall();
    await service.close();
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'EADDRINUSE'
        ? `${host}:${port} is already in use; stop what listens there or set PORT`
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? `HOST ${host} is not an address of this machine`
          : code === 'EADDRNOTAVAIL'
            ? `HOST ${host} is not an address of this machine`
            : code === 'EACCES'
              ? `${host}:${port} needs privileges payrec does not have; set PORT above 1023`
              : `listening on ${host}:${port} failed (${typeof code === 'string' ? code : String(error)})`;
    process.stderr.write(`payrec: cannot serve: ${why}.\n`);
    return 1;
  }
  service.logger.info(
    {
      store: config.eventStore.kind,
      dataDir: config.storage.dataDir,
      providers: Object.fromEntries(
        config.providers.map((provider) => [provider.name, provider.describe()]),
      ),
      fulfilment:
        config.fulfilment === null
          ? 'off (PAYREC_FULFILMENT_URL unset)'
          : `to ${new URL(config.fulfilment.url).host}`,
      reconcile: config.reconcileCron,
      traces: config.tracing ? 'exported (OTEL_* variables)' : 'off',
      apiTokens:
        config.apiTokens.length === 0
          ? 'none: loopback clients only'
          : config.apiTokens.map((token) => `${token.name} (${token.role})`).join(', '),
    },
    'payrec is serving',
  );
  return 0;
};
