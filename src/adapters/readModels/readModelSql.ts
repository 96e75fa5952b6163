import type { AggregateQuery, ColumnFilter, DocumentListQuery } from '../../domain/ports/index.js';
import { tableOf, type ReadModelSchema } from './readModelSchema.js';
import { storedInstant } from './storedInstant.js';

type SchemaForSql = Pick<ReadModelSchema, 'column' | 'instantsOf'>;

/** 2^32: sums are taken in two halves of this size (see `aggregateSql`). */
export const sumHalf = 4_294_967_296;

/** The comparisons a filter may make, as SQL writes them: nothing else reaches the SQL text. */
const comparisons: ReadonlyMap<string, string> = new Map(
  ['=', '<', '<=', '>', '>='].map((op) => [op, op]),
);

/** The SQL condition and parameters of `filters`, columns checked against the table's. */
export const conditionsOf = (
  schema: SchemaForSql,
  projection: string,
  filters: readonly ColumnFilter[],
) => {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  const instants = schema.instantsOf(projection);
  for (const filter of filters) {
    const name = schema.column(projection, filter.column);
    const bound = instants.has(filter.column)
      ? (value: string | number) => storedInstant(value) as string | number
      : (value: string | number) => value;
    switch (filter.op) {
      case 'null':
        conditions.push(`${name} IS NULL`);
        break;
      case 'not-null':
        conditions.push(`${name} IS NOT NULL`);
        break;
      case 'in':
        conditions.push(`${name} IN (${filter.values.map(() => '?').join(', ')})`);
        params.push(...filter.values.map(bound));
        break;
      default: {
        // The operator goes into the SQL text: only a comparison of the list passes, whatever
        // its type claimed (a query built from input must never carry SQL).
        const op = comparisons.get(filter.op);
        if (op === undefined) throw new Error(`invalid operator ${JSON.stringify(filter.op)}`);
        conditions.push(
          filter.orNull === true ? `(${name} ${op} ? OR ${name} IS NULL)` : `${name} ${op} ?`,
        );
        params.push(bound(filter.value));
      }
    }
  }
  return { conditions, params };
};

/** The SQL and parameters of a page query, selecting `selected` after `id` and the sort value. */
export const pageQuery = (
  schema: SchemaForSql,
  projection: string,
  request: Omit<DocumentListQuery, 'withDocuments'>,
  selected: readonly string[],
) => {
  const sort = schema.column(projection, request.orderBy ?? 'updatedAt');
  const { conditions, params } = conditionsOf(schema, projection, request.where ?? []);
  conditions.push(`${sort} IS NOT NULL`);
  const direction = request.descending === true ? 'DESC' : 'ASC';
  if (request.after !== undefined) {
    const beyond = request.descending === true ? '<' : '>';
    // A row value, which SQLite seeks to in the index: the equivalent `a > ? OR (a = ? AND
    // id > ?)` made it scan from the start (measured: 1.4 ms against 378 ms a page, 1M rows).
    conditions.push(`(${sort}, id) ${beyond} (?, ?)`);
    const value = request.after.value;
    params.push(
      schema.instantsOf(projection).has(request.orderBy ?? 'updatedAt')
        ? (storedInstant(value) as string | number)
        : value,
      request.after.id,
    );
  }
  const sql = `SELECT id, ${sort}, ${selected.join(', ')}
     FROM ${tableOf(projection)} WHERE ${conditions.join(' AND ')}
     ORDER BY ${sort} ${direction}, id ${direction} LIMIT ?`;
  return { sql, params: [...params, request.limit] };
};

/** The SQL and parameters of an aggregate: counts and exact sums, by group. */
export const aggregateSql = (schema: SchemaForSql, projection: string, request: AggregateQuery) => {
  const keys = request.groupBy.map((name) => schema.column(projection, name));
  const { conditions, params } = conditionsOf(schema, projection, request.where ?? []);
  // Summed as two halves (whole multiples of 2^32, and the rest), each far from SQLite's
  // 64-bit limit for any number of rows payrec can hold, then put together exactly as a bigint:
  // SQLite's own sum() fails with "integer overflow" past 2^63, and total() rounds.
  const summed = request.sum === undefined ? '0' : schema.column(projection, request.sum);
  const total = `sum(${summed} / ${sumHalf}) AS row_sum_high, sum(${summed} % ${sumHalf}) AS row_sum_low`;
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const groupBy = keys.length === 0 ? '' : `GROUP BY ${keys.join(', ')}`;
  return {
    sql: `SELECT ${[...keys, 'count(*) AS row_count', total].join(', ')}
     FROM ${tableOf(projection)} ${where} ${groupBy}`,
    params,
  };
};

/** The SQL of a count of the rows that match, stopped at `cap` (the inner `LIMIT`). */
export const countUpToSql = (
  schema: SchemaForSql,
  projection: string,
  where: readonly ColumnFilter[],
  cap: number,
) => {
  const { conditions, params } = conditionsOf(schema, projection, where);
  const filter = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  return {
    sql: `SELECT count(*) AS row_count FROM (SELECT 1 FROM ${tableOf(projection)} ${filter} LIMIT ?)`,
    params: [...params, cap],
  };
};
