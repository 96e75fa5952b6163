const megabytes = new Intl.NumberFormat('en', {
  style: 'unit',
  unit: 'megabyte',
  maximumFractionDigits: 1,
});

/** A size as a person reads it: `12.3 MB`. */
export const byteSize = (bytes: number): string => megabytes.format(bytes / 1_000_000);
