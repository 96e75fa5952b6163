import type { z } from 'zod';

/** How a person names a field: `status` over HTTP, `--status` on the command line. */
export type FieldNamer = (field: string) => string;

const plainNames: FieldNamer = (field) => field;

/** A value as a message may show it: quoted, and short (a value is never a secret here). */
const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
};

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined,
    input,
  );

const characters = (count: number) => `${count} character${count === 1 ? '' : 's'}`;

/** What each string format means to a person. */
const formats: Readonly<Record<string, string>> = {
  datetime: 'an ISO-8601 instant with a time zone (e.g. 2026-11-24T10:00:00Z)',
  date: 'a day written YYYY-MM-DD',
  url: 'a URL',
};

/** zod's own default messages, which say less than what is built here. */
const defaultMessage = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

/**
 * What is wrong with a person's input, one phrase per problem, naming the field, the value it
 * had and what it takes: `status "paid" is not one of pending, success, …`, `limit 0 is below 1`,
 * `colour is an unknown parameter`, `createdFrom "yesterday" is not an ISO-8601 instant …`. The
 * API, the console and the command line all say it this way.
 */
export const inputProblems = (
  error: z.ZodError,
  input: unknown,
  nameOf: FieldNamer = plainNames,
  whole = 'the input',
): string[] => {
  const problems = error.issues.flatMap((issue): string[] => {
    const field = issue.path.length === 0 ? whole : nameOf(issue.path.map(String).join('.'));
    const value = valueAt(input, issue.path);
    const given = value === undefined ? '' : ` ${shown(value)}`;
    const custom = defaultMessage.test(issue.message) ? null : issue.message;
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => `${nameOf(key)} is an unknown parameter`);
      case 'invalid_value':
        return [
          issue.values.length === 1
            ? `${field}${given} must be ${String(issue.values[0])}`
            : `${field}${given} is not one of ${issue.values.map(String).join(', ')}`,
        ];
      case 'invalid_type':
        return [
          value === undefined
            ? `${field} is required`
            : `${field}${given} is not ${issue.expected === 'number' || issue.expected === 'int' ? 'a number' : `a ${issue.expected}`}`,
        ];
      case 'too_small':
        return [
          issue.origin === 'string'
            ? `${field} is too short (at least ${characters(Number(issue.minimum))})`
            : `${field}${given} is below ${String(issue.minimum)}`,
        ];
      case 'too_big':
        return [
          issue.origin === 'string'
            ? `${field} is too long (at most ${characters(Number(issue.maximum))})`
            : `${field}${given} is above ${String(issue.maximum)}`,
        ];
      case 'invalid_format':
        return [
          `${field}${given} ${custom ?? `is not ${formats[issue.format] ?? 'in the form it takes'}`}`,
        ];
      default:
        return [`${field}${given}: ${custom ?? issue.message}`];
    }
  });
  return [...new Set(problems)];
};
