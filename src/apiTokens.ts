import { createHash } from 'node:crypto';

/** What a token may do: `read` (queries, reports, exports, metrics) or `operate` (also every POST). */
export type ApiRole = 'read' | 'operate';

/** A named API token, known by the SHA-256 of its value: payrec never holds the token itself. */
export type ApiToken = Readonly<{ name: string; role: ApiRole; sha256: string }>;

/** The hex SHA-256 of a token's UTF-8 bytes: how a tokens file names it. */
export const tokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const linePattern = /^([A-Za-z0-9._-]{1,64})\s+(read|operate)\s+([0-9a-fA-F]{64})$/;

/**
 * The tokens of a tokens file (docs/configuration.md): one `<name> <role> <sha256-hex>` per line,
 * `#` comments and blank lines allowed. Returns every bad line by number (never its content: it
 * may hold a token pasted by mistake) and every name given twice.
 */
export const parseApiTokens = (
  text: string,
): { ok: true; tokens: ApiToken[] } | { ok: false; problems: string[] } => {
  const tokens: ApiToken[] = [];
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
    if (tokens.some((token) => token.name === name)) {
      problems.push(`line ${index + 1} names "${name}" again`);
      return;
    }
    tokens.push({ name, role: role as ApiRole, sha256: sha256.toLowerCase() });
  });
  return problems.length === 0 ? { ok: true, tokens } : { ok: false, problems };
};
