import type { ExportRow } from '../../application/exports.js';
import type { ColumnValue, TabularFormat, TextEncoding } from '../../domain/ports/index.js';
import { moduleFileOf } from '../common/startWorker.js';
import { tabularWriter } from '../common/tabular.js';

/** A scan's encoding as it crosses to the scan's thread: its row module as a file URL. */
export type RowTextData = Readonly<{
  rowModuleFile: string;
  columns: readonly string[];
  format: TabularFormat;
}>;

export const rowTextData = (encoding: TextEncoding): RowTextData => ({
  rowModuleFile: moduleFileOf(encoding.rowModule).href,
  columns: encoding.columns,
  format: encoding.format,
});

/** Writes pages of `[id, sortValue, ...select]` rows as text: `page` each, `end` what closes it. */
export type RowText = Readonly<{
  page: (rows: readonly (readonly ColumnValue[])[]) => string;
  end: () => string;
}>;

/**
 * Loads the encoding's row module and makes its writer. A module without an `exportRow` function
 * is a programming error, said at once.
 */
export const loadRowText = async (data: RowTextData): Promise<RowText> => {
  const loaded = (await import(data.rowModuleFile)) as { exportRow?: unknown };
  const exportRow = loaded.exportRow;
  if (typeof exportRow !== 'function') {
    throw new Error(`${data.rowModuleFile} exports no exportRow function`);
  }
  const rowOf = exportRow as (values: readonly ColumnValue[]) => ExportRow;
  const writer = tabularWriter(data.format, data.columns);
  return {
    page: (rows) => {
      const cells = new Array<ExportRow>(rows.length);
      for (let at = 0; at < rows.length; at += 1) cells[at] = rowOf(rows[at] as ColumnValue[]);
      return writer.page(cells);
    },
    end: writer.end,
  };
};
