import type { ProviderModule } from '../adapters/providers/index.js';
import { loadConfig } from '../config.js';

/** The usage of every provider module's commands, for `payrec --help`. */
export const providerCommandsUsage = (modules: readonly ProviderModule[]): string =>
  modules.flatMap((module) => module.commands.map((command) => command.usage)).join('\n\n');

/**
 * `payrec <provider> <command> …`: a provider module's own command (Kraken Embed's
 * `register-webhook`), run with that provider's configuration. A provider without commands, or
 * an unknown command, is a usage error naming what there is.
 */
export const providerCommand = async (
  module: ProviderModule,
  args: readonly string[],
): Promise<number> => {
  const [name, ...rest] = args;
  const known = module.commands.map((command) => command.name);
  if (name === undefined || !known.includes(name)) {
    process.stderr.write(
      known.length === 0
        ? `payrec: ${module.name} has no commands.\n`
        : `payrec: ${name === undefined ? `name a ${module.name} command` : `${module.name} has no command ${JSON.stringify(name)}`}: one of ${known.join(', ')}.\n\n${providerCommandsUsage([module])}\n`,
    );
    return 2;
  }
  const configured = loadConfig().providers.find((provider) => provider.name === module.name);
  const command = configured?.commands.find((candidate) => candidate.name === name);
  if (command === undefined) throw new Error(`${module.name} ${name} is listed but not configured`);
  return command.run(rest, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    fetch,
  });
};
