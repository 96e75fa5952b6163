import { createHash } from 'node:crypto';

/** What a token may do: `read` (queries, reports, exports, metrics) or `operate` (also every POST). */
import type { ActorRole } from './application/index.js';

/** A token's role: the actor's role of whoever presents it. */
export type ApiRole = ActorRole;

/** A named API token, known by the SHA-256 of its value: payrec never holds the token itself. */
export type ApiToken = Readonly<{ name: string; role: ApiRole; sha256: string }>;

/** The hex SHA-256 of a token's UTF-8 bytes: how a tokens file names it. */
export const tokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const linePattern = /^([A-Za-z0-9._-]{1,64})\s+(read|operate)\s+([0-9a-fA-F]{64})$/;

/**
 * The tokens of a tokens file (docs/configuration.md): one `<name> <role> <sha256-hex>` per line,
 * `#` comments and blank lines allowed. Returns every bad line by number (never its content: it
 * may hold a token pasted by mistake), every name given twice and every token under two names.
 */
export const parseApiTokens = (
  text: string,
): { ok: true; tokens: ApiToken[] } | { ok: false; problems: string[] } => {
  const tokens: ApiToken[] = [];
  const lines: number[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = linePattern.exec(line);
    if (match === null) {
      problems.push(`line ${index + 1} is not "<name> <read|operate> <sha256 hex of the token>"`);
      return;
    }
    const [, name = '', role = 'read', sha256 = ''] = match;
    tokens.push({ name, role: role as ApiRole, sha256: sha256.toLowerCase() });
    lines.push(index + 1);
  });
  problems.push(
    ...tokenSetProblems(tokens.map((token, index) => ({ token, from: `line ${lines[index]}` }))),
  );
  return problems.length === 0 ? { ok: true, tokens } : { ok: false, problems };
};

/** Where a token was configured, for messages that name it (never its hash). */
export type TokenSource = Readonly<{ token: ApiToken; from: string }>;

/**
 * Why a set of tokens cannot run together: a name given twice (even across
 * `PAYREC_API_TOKENS_FILE` and `PAYREC_API_TOKEN`, which is named `default`), or one token under
 * two names. Either would let one credential speak with another's name or role. The messages name
 * the names and where they come from, never a hash.
 */
export const tokenSetProblems = (sources: readonly TokenSource[]): string[] => {
  const problems: string[] = [];
  sources.forEach(({ token, from }, index) => {
    const earlier = sources.slice(0, index);
    const sameName = earlier.find((other) => other.token.name === token.name);
    if (sameName !== undefined) {
      problems.push(
        `the token name "${token.name}" is given twice (${sameName.from} and ${from}): a name must stand for one token`,
      );
    }
    const sameToken = earlier.find((other) => other.token.sha256 === token.sha256);
    if (sameToken !== undefined && sameToken.token.name !== token.name) {
      problems.push(
        `one token is configured under two names, "${sameToken.token.name}" (${sameToken.from}) and "${token.name}" (${from}): give each name its own token`,
      );
    }
  });
  return problems;
};
