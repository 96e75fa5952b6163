/**
 * The server the benchmarks load: the built payrec service (`dist/`, exactly what `payrec serve`
 * runs), plus one route for comparison, `POST /_bench/noop`. That route receives the same bytes
 * as a webhook route, with the same raw-body parser and size limit, and does nothing with them,
 * so "payrec's rate / no-op rate" is the cost of verifying and durably recording a delivery,
 * not of HTTP. It exists only in this process: payrec itself has no such route.
 *
 * Run by `benchPayrec.ts` as `node --import tsx bench/benchServer.ts`, with payrec's variables.
 */
import closeWithGrace from 'close-with-grace';
import type * as ConfigModuleNamespace from '../src/config.js';
import type * as MainModuleNamespace from '../src/main.js';

// Types from the sources, code from the build: the same files `payrec serve` runs.
type ConfigModule = typeof ConfigModuleNamespace;
type MainModule = typeof MainModuleNamespace;
const built = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { loadConfig } = (await import(built('config.js'))) as ConfigModule;
const { createService } = (await import(built('main.js'))) as MainModule;

const config = loadConfig();
const service = await createService(config);
await service.app.register((scope, _options, done) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: 64 * 1024 },
    (_request, body, parsed) => {
      parsed(null, body);
    },
  );
  scope.post('/_bench/noop', (_request, reply) => reply.send({ received: true }));
  done();
});
closeWithGrace({ delay: 10_000 }, async () => {
  await service.close();
});
await service.app.listen({ port: config.http.port, host: config.http.host });
