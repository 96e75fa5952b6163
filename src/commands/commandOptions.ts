import type { z } from 'zod';
import { inputProblems } from '../application/index.js';

/** A command-line value that failed its schema: the message names it; exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--created-from` → `createdFrom`: options as the HTTP routes name their parameters. */
export const camelCase = (option: string): string =>
  option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** `createdFrom` → `--created-from`, for messages. */
export const optionName = (field: string): string =>
  `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

/**
 * Parses command-line option values with the HTTP route's own schema, so that a filter means the
 * same in both; throws `UsageError` naming each option that failed, the value it had and what it
 * takes, as the API says it.
 */
export const parseOptions = <T extends z.ZodType>(
  schema: T,
  values: Readonly<Record<string, unknown>>,
): z.infer<T> => {
  const input = Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [camelCase(key), value]),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = inputProblems(parsed.error, input, (field) =>
    /^[a-z][A-Za-z]*$/.test(field) ? optionName(field) : field,
  );
  throw new UsageError(`check ${problems.join('; ')}.`);
};

/** `parseArgs` options for fields that each take one value (`createdFrom` → `--created-from`). */
export const stringOptions = (names: readonly string[]): Record<string, { type: 'string' }> =>
  Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));

/** The option names of a schema's fields, as `parseArgs` takes them (`created-from`). */
export const optionsOfFields = (fields: readonly string[]): string[] =>
  fields.map((field) => optionName(field).slice(2));

/** Refuses positional arguments past the ones a command takes, naming the first. */
export const noMoreArguments = (extra: readonly string[]): void => {
  const [first] = extra;
  if (first !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(first)}`);
};

/** The action a command was given, or a `UsageError` naming it and the ones it takes. */
export const actionOf = <Action extends string>(
  command: string,
  given: string | undefined,
  actions: readonly Action[],
): Action => {
  if (given !== undefined && (actions as readonly string[]).includes(given)) {
    return given as Action;
  }
  throw new UsageError(
    `${given === undefined ? `name what "payrec ${command}" should do` : `"payrec ${command}" has no action ${JSON.stringify(given)}`}: one of ${actions.join(', ')}`,
  );
};

/**
 * What Node's argument parser refused, in payrec's words: the option or argument by name, never
 * the parser's advice about `--` (`'-- "--bogus"'`). `null` for any other error.
 */
export const argumentProblem = (error: unknown): string | null => {
  if (!(error instanceof TypeError) || !('code' in error) || typeof error.code !== 'string') {
    return null;
  }
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `${quoted.split(' ')[0] ?? quoted} needs a value`
        : `${quoted.split(' ')[0] ?? quoted} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}`;
    default:
      return null;
  }
};
