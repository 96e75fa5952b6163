import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Cell, ExportRow, RowSource } from '../../application/exports.js';
import { tabularFormats, type TabularFormat } from '../../domain/ports/index.js';

export { tabularFormats, type TabularFormat };

export const mediaTypeOf: Readonly<Record<TabularFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const csvOptions = {
  record_delimiter: 'windows',
  escape_formulas: true,
  cast: { number: (value: number) => String(value) },
} as const;

/** Writes rows as text, a page at a time: `page` the rows given, `end` what closes the text. */
export type TabularWriter = Readonly<{
  page: (rows: readonly ExportRow[]) => string;
  end: () => string;
}>;

/**
 * CSV as RFC 4180 writes it (a header row, CRLF line ends, quotes where needed), UTF-8, with
 * every cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
 * its start) prefixed with `'` by csv-stringify's `escape_formulas`. csv-stringify's synchronous
 * form on each page: measured 2× the rate of its stream, row by row. The header comes with the
 * first page, or alone at the end when there are no rows.
 */
const csvWriter = (columns: readonly string[]): TabularWriter => {
  const names = [...columns];
  let headerWritten = false;
  return {
    page: (rows) => {
      const text = stringify(rows as ExportRow[], {
        ...csvOptions,
        header: !headerWritten,
        columns: names,
      });
      headerWritten = true;
      return text;
    },
    end: () =>
      headerWritten ? '' : stringify([], { ...csvOptions, header: true, columns: names }),
  };
};

/** NDJSON: a JSON object a row, its keys the columns. */
const ndjsonWriter = (columns: readonly string[]): TabularWriter => ({
  page: (rows) =>
    rows
      .map((row) => {
        const object: Record<string, Cell> = {};
        columns.forEach((column, index) => (object[column] = row[index] ?? null));
        return `${JSON.stringify(object)}\n`;
      })
      .join(''),
  end: () => '',
});

/** A writer of `format` for rows of `columns`. */
export const tabularWriter = (format: TabularFormat, columns: readonly string[]): TabularWriter =>
  format === 'csv' ? csvWriter(columns) : ndjsonWriter(columns);

/**
 * Rows written as text on this thread, a slice at a time. In the service, these are written
 * where webhooks are answered (the event loop): a page of 1,000 rows written at once held it for
 * milliseconds, back to back for as long as the reader kept up (a 300,000-payment export took
 * ingest p99 from ~12 ms to ~2 s in `bench:isolation`: the stream never let the loop turn).
 * Between slices the loop turns (`setImmediate`), so a webhook waits for one slice at most,
 * whatever the export's size. (The payments export, the one that reaches a million rows, is
 * written on its reading thread instead: `scanText`.)
 */
const sliceRows = 100;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function* writtenHere(
  pages: AsyncIterable<readonly ExportRow[]> | Iterable<readonly ExportRow[]>,
  writer: TabularWriter,
  counted: (rows: number) => void,
): AsyncGenerator<string> {
  for await (const page of pages) {
    for (let from = 0; from < page.length; from += sliceRows) {
      const slice = page.slice(from, from + sliceRows);
      const text = writer.page(slice);
      counted(slice.length);
      await turn();
      yield text;
    }
    // An empty page, read on this thread, held it too.
    if (page.length === 0) await turn();
  }
  const end = writer.end();
  if (end !== '') yield end;
}

/** Text the source wrote where it read its rows. */
async function* writtenThere(
  pages: AsyncIterable<Readonly<{ text: string; rows: number }>>,
  counted: (rows: number) => void,
): AsyncGenerator<string> {
  for await (const page of pages) {
    counted(page.rows);
    if (page.text !== '') yield page.text;
  }
}

/**
 * The rows as a byte stream in `format`, produced as it is read: whatever the row count, only a
 * page of rows and the stream's buffer are in memory. `counted` hears how many rows each piece
 * of text held, as it is handed on. A failure while reading (a store gone away) destroys the
 * stream: the answer is cut short, never ended as if it were complete.
 */
export const tabularStream = (
  source: RowSource,
  format: TabularFormat,
  counted: (rows: number) => void = () => undefined,
): Readable =>
  Readable.from(
    'textPages' in source
      ? writtenThere(source.textPages(format), counted)
      : writtenHere(source.pages, tabularWriter(format, source.columns), counted),
    { objectMode: false },
  );
