import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { BaseIndex, ColumnType, ReadModelTable } from '../../domain/ports/index.js';

const allBaseIndexes: readonly BaseIndex[] = ['status', 'updated', 'due'];

export const stagingSuffix = '__staging';
const projectionName = /^[a-z][a-z0-9_]*$/;

/** The table of a projection's documents; names are checked, as SQL cannot bind them. */
export const tableOf = (projection: string): string => {
  if (!projectionName.test(projection)) {
    throw new Error(`invalid projection name ${JSON.stringify(projection)}`);
  }
  return `rm_${projection}`;
};

/** The columns every table has (docs: `BaseColumns`), as the store names them. */
export const baseColumns: Readonly<Record<string, ColumnType>> = {
  provider: 'text',
  status: 'text',
  updatedAt: 'instant',
  dueAt: 'instant',
};

/** How SQL declares a column of each type: instants are integers (`storedInstant.ts`). */
const sqlTypes: Readonly<Record<ColumnType, 'TEXT' | 'INTEGER'>> = {
  text: 'TEXT',
  integer: 'INTEGER',
  instant: 'INTEGER',
};

const identifier = /^[a-z][A-Za-z0-9]*$/;

/** `updatedAt` → `updated_at`: column names as SQL spells them. */
export const sqlName = (column: string): string => {
  if (!identifier.test(column)) throw new Error(`invalid column name ${JSON.stringify(column)}`);
  return column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
};

const noExtraColumns: ReadModelTable = { columns: {}, indexes: [] };

/**
 * The tables of the read models in one SQLite database: which columns each projection's table
 * has (the base ones and those its `ReadModelTable` declares), their names as SQL spells them
 * (checked, as SQL cannot bind names), how a table and its indexes are created, and whether one
 * exists. When the store opens, a table an older payrec wrote with other columns (or in another
 * order) is dropped with its checkpoint, so its projection rebuilds it from the log; an index an
 * older payrec declared and this one does not is dropped when the table's indexes are made.
 */
/* eslint-disable max-lines-per-function -- a factory: short closures over one connection and the tables it declares */
export const readModelSchema = (
  db: Database.Database,
  tables: Readonly<Record<string, ReadModelTable>>,
) => {
  db.exec(`
    DROP TABLE IF EXISTS read_model_documents; -- the one-table layout before rm_<name> tables
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      projection TEXT PRIMARY KEY,
      position   TEXT NOT NULL,
      version    INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
  const baseName = (projection: string) =>
    projection.endsWith(stagingSuffix) ? projection.slice(0, -stagingSuffix.length) : projection;
  const specOf = (projection: string): ReadModelTable =>
    tables[baseName(projection)] ?? noExtraColumns;
  const columnLists = new Map<string, readonly string[]>();
  const columnsOf = (projection: string): readonly string[] => {
    let names = columnLists.get(projection);
    if (names === undefined) {
      names = [...Object.keys(baseColumns), ...Object.keys(specOf(projection).columns)];
      columnLists.set(projection, names);
    }
    return names;
  };
  const knownSets = new Map<string, ReadonlySet<string>>();
  const knownColumns = (projection: string): ReadonlySet<string> => {
    let known = knownSets.get(projection);
    if (known === undefined) {
      known = new Set([...columnsOf(projection), 'id']);
      knownSets.set(projection, known);
    }
    return known;
  };
  const instantSets = new Map<string, ReadonlySet<string>>();
  /** The instant columns of a projection's table (their values are converted both ways). */
  const instantsOf = (projection: string): ReadonlySet<string> => {
    let instants = instantSets.get(projection);
    if (instants === undefined) {
      const spec = { ...baseColumns, ...specOf(projection).columns };
      instants = new Set(Object.keys(spec).filter((name) => spec[name] === 'instant'));
      instantSets.set(projection, instants);
    }
    return instants;
  };
  const column = (projection: string, name: string): string => {
    if (!knownColumns(projection).has(name)) {
      throw new Error(`read model ${projection} has no column ${JSON.stringify(name)}`);
    }
    return sqlName(name);
  };
  const createTable = (projection: string) => {
    const spec = { ...baseColumns, ...specOf(projection).columns };
    const definitions = Object.entries(spec).map(
      ([name, type]) => `${sqlName(name)} ${sqlTypes[type]}`,
    );
    // A rowid table, not WITHOUT ROWID: documents are a kilobyte or more, and SQLite keeps large
    // rows best in a rowid table, where new rows append and only the small `id` index entry goes
    // where the key sorts (measured: rebuilds and ingest-time projection both faster).
    // The document goes last: a row's indexed columns are read without stepping over it (a
    // document of a kilobyte or more spills onto overflow pages; measured: an export reading
    // columns only ran 3× faster with them first).
    db.exec(`CREATE TABLE IF NOT EXISTS ${tableOf(projection)} (
      id       TEXT NOT NULL UNIQUE,
      ${definitions.join(',\n      ')},
      document TEXT NOT NULL
    )`);
  };
  const createIndexes = (projection: string) => {
    const table = tableOf(projection);
    const baseIndexes: Readonly<Record<BaseIndex, string>> = {
      status: `${table}_by_status ON ${table} (status, updated_at, id)`,
      updated: `${table}_by_updated ON ${table} (updated_at, id)`,
      due: `${table}_by_due ON ${table} (due_at, id) WHERE due_at IS NOT NULL`,
    };
    const kept = specOf(projection).baseIndexes ?? allBaseIndexes;
    for (const name of kept) db.exec(`CREATE INDEX IF NOT EXISTS ${baseIndexes[name]}`);
    const declared = new Set(kept.map((name) => `${table}_by_${name}`));
    for (const index of specOf(projection).indexes) {
      const names = index.columns.map((name) => column(projection, name));
      const partial =
        index.whereNotNull === undefined
          ? ''
          : ` WHERE ${column(projection, index.whereNotNull)} IS NOT NULL`;
      const indexName = `${table}_by_${names.join('_')}${index.whereNotNull === undefined ? '' : `_having_${sqlName(index.whereNotNull)}`}`;
      declared.add(indexName);
      const keys = index.endsWithId === false || names.includes('id') ? names : [...names, 'id'];
      const definition = `CREATE INDEX ${indexName} ON ${table} (${keys.join(', ')})${partial}`;
      // An index of this name an older payrec defined otherwise (its entries without the id, or
      // with it) is made again as declared.
      const existing = db
        .prepare<[string], { sql: string }>('SELECT sql FROM sqlite_master WHERE name = ?')
        .get(indexName);
      if (existing !== undefined && existing.sql !== definition) db.exec(`DROP INDEX ${indexName}`);
      if (existing?.sql !== definition) db.exec(definition);
    }
    // An index an older payrec declared and this one does not only slows every write: it goes.
    const stale = db
      .prepare<[string], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
      )
      .all(table)
      .map((row) => row.name)
      .filter((name) => !declared.has(name));
    for (const name of stale) db.exec(`DROP INDEX IF EXISTS ${name}`);
  };
  // A table an older payrec wrote with other columns (or in another order, or of other types: its
  // instants as text) goes, with its checkpoint: its projection rebuilds it from the log (bumping
  // the projection's version does the same for the documents, beside the live table).
  for (const projection of Object.keys(tables)) {
    const spec = { ...baseColumns, ...specOf(projection).columns };
    const expected = [
      'id TEXT',
      ...columnsOf(projection).map((name) => `${sqlName(name)} ${sqlTypes[spec[name] ?? 'text']}`),
      'document TEXT',
    ].join();
    const found = db
      .prepare<[string], { name: string; type: string }>(
        'SELECT name, type FROM pragma_table_info(?) ORDER BY cid',
      )
      .all(tableOf(projection))
      .map((row) => `${row.name} ${row.type}`);
    if (found.length > 0 && found.join() !== expected) {
      db.transaction(() => {
        db.exec(`DROP TABLE ${tableOf(projection)}`);
        db.prepare('DELETE FROM projection_checkpoints WHERE projection = ?').run(projection);
      }).immediate();
    }
  }
  const tableExists: Statement<[string], { found: number }> = db.prepare(
    "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
  );
  const existingTables = new Set<string>();
  /**
   * Whether a projection's table exists, for the read paths: they never create it, so a read
   * never needs to write (on a full disk, even `CREATE TABLE IF NOT EXISTS` fails).
   */
  const readable = (projection: string): boolean => {
    if (existingTables.has(projection)) return true;
    const exists = tableExists.get(tableOf(projection)) !== undefined;
    if (exists) existingTables.add(projection);
    return exists;
  };
  return {
    columnsOf,
    instantsOf,
    column,
    createTable,
    createIndexes,
    readable,
    tableExists,
    forget: (projection: string) => existingTables.delete(projection),
    forgetAll: () => {
      existingTables.clear();
    },
  };
};
/* eslint-enable max-lines-per-function */

export type ReadModelSchema = ReturnType<typeof readModelSchema>;
