/**
 * What differs, in words, the same on every page and command: payrec's value and the
 * provider's, except for a contradicted hint, where payrec's side is what the hint claimed (payrec
 * never took it as its state) and the provider's is what the status endpoint said.
 */
export const differenceInWords = (
  kind: string,
  difference: Readonly<{ field: string; payrec: string | null; provider: string | null }>,
): string => {
  const payrec = difference.payrec ?? '—';
  const provider = difference.provider ?? '—';
  return kind === 'contradicted-hint'
    ? `${difference.field}: the hint claimed ${payrec}, the status endpoint says ${provider}`
    : `${difference.field}: payrec ${payrec}, provider ${provider}`;
};
