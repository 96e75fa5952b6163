import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config.js';
import { createService } from '../main.js';

/** `payrec serve`: the service, until SIGINT/SIGTERM; then in-flight work finishes first. */
export const serveCommand = async (): Promise<number> => {
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
      dataDir: config.storage.dataDir,
      providers: Object.fromEntries(
        config.providers.map((provider) => [provider.name, provider.describe()]),
      ),
    },
    'payrec is serving',
  );
  return 0;
};
