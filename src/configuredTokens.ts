import { readFileSync } from 'node:fs';
import { parseApiTokens, tokenHash, tokenSetProblems, type ApiToken } from './apiTokens.js';
import { ConfigInvalid } from './errors/index.js';
import type { Secret } from './secret.js';

/** The tokens of `PAYREC_API_TOKENS_FILE`; `ConfigInvalid` naming the file and its bad lines. */
const readTokensFile = (path: string | undefined): ApiToken[] => {
  if (path === undefined) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigInvalid(
      `Invalid configuration:\n✖ PAYREC_API_TOKENS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const parsed = parseApiTokens(text);
  if (!parsed.ok) {
    throw new ConfigInvalid(
      `Invalid configuration:\n${parsed.problems.map((problem) => `✖ PAYREC_API_TOKENS_FILE ${path}: ${problem}`).join('\n')}`,
    );
  }
  if (parsed.tokens.length === 0) {
    throw new ConfigInvalid(
      `Invalid configuration:\n✖ PAYREC_API_TOKENS_FILE: ${path} names no token`,
    );
  }
  return parsed.tokens;
};

/**
 * The tokens of both sources: the file's, then `PAYREC_API_TOKEN` as the `operate` token named
 * `default`. `ConfigInvalid` when a name stands for two tokens or a token for two names.
 */
export const configuredTokens = (
  file: string | undefined,
  single: Secret | undefined,
): ApiToken[] => {
  const sources = readTokensFile(file).map((token) => ({
    token,
    from: `PAYREC_API_TOKENS_FILE ${file ?? ''}`,
  }));
  if (single !== undefined) {
    sources.push({
      token: { name: 'default', role: 'operate', sha256: tokenHash(single.reveal()) },
      from: 'PAYREC_API_TOKEN',
    });
  }
  const problems = tokenSetProblems(sources);
  if (problems.length > 0) {
    throw new ConfigInvalid(
      `Invalid configuration:\n${problems.map((problem) => `✖ API tokens: ${problem}`).join('\n')}`,
    );
  }
  return sources.map(({ token }) => token);
};
