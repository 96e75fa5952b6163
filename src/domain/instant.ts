/**
 * Arithmetic on instants as payrec writes them (ISO-8601 UTC, `toISOString`): the domain's one
 * use of `Date`, to compute from instants it was given, never to read a clock (the lint rule
 * allows `Date.parse` and `new Date(value)`, refuses `Date.now()` and `new Date()`).
 */
export const addSeconds = (at: string, seconds: number): string =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();
