import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ExportRow, RowSource } from '../../application/exports.js';

export const tabularFormats = ['csv', 'ndjson'] as const;
export type TabularFormat = (typeof tabularFormats)[number];

export const mediaTypeOf: Readonly<Record<TabularFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * CSV as RFC 4180 writes it (a header row, CRLF line ends, quotes where needed), UTF-8, with
 * every cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
 * its start) prefixed with `'` by csv-stringify's `escape_formulas`.
 */
const csvOf = (source: RowSource): Readable => {
  const csv = stringify({
    header: true,
    columns: [...source.columns],
    record_delimiter: 'windows',
    escape_formulas: true,
    cast: { number: (value) => String(value) },
  });
  // A failure while reading (a store gone away) destroys the output with it: the answer is cut
  // short, never ended as if it were complete.
  pipeline(Readable.from(source.rows), csv, () => undefined);
  return csv;
};

async function* ndjsonLines(rows: RowSource['rows']): AsyncGenerator<string> {
  for await (const row of rows as AsyncIterable<ExportRow>) yield `${JSON.stringify(row)}\n`;
}

/**
 * The rows as a byte stream in `format`, produced as it is read: whatever the row count, only a
 * page of rows and the stream's buffer are in memory.
 */
export const tabularStream = (source: RowSource, format: TabularFormat): Readable =>
  format === 'csv' ? csvOf(source) : Readable.from(ndjsonLines(source.rows));
