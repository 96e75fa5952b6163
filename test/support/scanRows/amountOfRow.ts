/** A row module for scans in tests: a row `[id, sortValue, amountMinor]` as `[id, amountMinor]`. */
export const exportRow = (values: readonly unknown[]) => [
  values[0] as string,
  values[2] as number | null,
];
