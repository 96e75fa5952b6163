import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Cell, ExportRow, RowSource } from '../../application/exports.js';

export const tabularFormats = ['csv', 'ndjson'] as const;
export type TabularFormat = (typeof tabularFormats)[number];

export const mediaTypeOf: Readonly<Record<TabularFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const csvOptions = {
  record_delimiter: 'windows',
  escape_formulas: true,
  cast: { number: (value: number) => String(value) },
} as const;

/**
 * Rows turned into text a slice at a time. In the service, exports are written where webhooks
 * are answered (the event loop): a page of 1,000 rows written at once held it for milliseconds,
 * back to back for as long as the reader kept up (a 300,000-payment export took ingest p99 from
 * ~12 ms to ~2 s in `bench:isolation`: the stream never let the loop turn). Between slices the
 * loop turns (`setImmediate`), so a webhook waits for one slice at most, whatever the export's
 * size. (Resting as long as each slice took, so that an export takes at most half the loop, made
 * it 3× slower and did not lower ingest p99 measurably: docs/benchmarks.md.)
 */
const sliceRows = 100;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function* encodedSlices(
  source: RowSource,
  encode: (slice: readonly ExportRow[]) => string,
): AsyncGenerator<string> {
  for await (const page of source.pages) {
    for (let from = 0; from < page.length; from += sliceRows) {
      const text = encode(page.slice(from, from + sliceRows));
      await turn();
      yield text;
    }
    // An empty page, read on this thread, held it too.
    if (page.length === 0) await turn();
  }
}

/**
 * CSV as RFC 4180 writes it (a header row, CRLF line ends, quotes where needed), UTF-8, with
 * every cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
 * its start) prefixed with `'` by csv-stringify's `escape_formulas`. csv-stringify's synchronous
 * form on each slice: measured 2× the rate of its stream, row by row.
 */
async function* csvText(source: RowSource): AsyncGenerator<string> {
  const columns = [...source.columns];
  const written = { header: false };
  const encode = (slice: readonly ExportRow[]) => {
    const text = stringify(slice as ExportRow[], {
      ...csvOptions,
      header: !written.header,
      columns,
    });
    written.header = true;
    return text;
  };
  yield* encodedSlices(source, encode);
  if (!written.header) yield stringify([], { ...csvOptions, header: true, columns });
}

const ndjsonText = (source: RowSource): AsyncGenerator<string> =>
  encodedSlices(source, (slice) =>
    slice
      .map((row: ExportRow) => {
        const object: Record<string, Cell> = {};
        source.columns.forEach((column, index) => (object[column] = row[index] ?? null));
        return `${JSON.stringify(object)}\n`;
      })
      .join(''),
  );

/**
 * The rows as a byte stream in `format`, produced as it is read: whatever the row count, only a
 * page of rows and the stream's buffer are in memory. A failure while reading (a store gone
 * away) destroys the stream: the answer is cut short, never ended as if it were complete.
 */
export const tabularStream = (source: RowSource, format: TabularFormat): Readable =>
  Readable.from(format === 'csv' ? csvText(source) : ndjsonText(source), { objectMode: false });
