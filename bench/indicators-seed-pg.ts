// The indicators benchmark's data set on PostgreSQL: the same rows as bench/indicators-seed.ts
// (same services, same generated values), in a dedicated schema of the test database kept between
// runs, as the SQLite file is. Each run works on a copy of that schema (the recompute writes).
//
// Bulk rows go in batches through `insert … select from unnest($1::int[], …)`: one parameter per
// column, thousands of rows a statement (pg-copy-streams, for COPY, is not a dependency).
import pg from 'pg';
import { createDatabase } from '../src/platform/db/database.js';
import type { BulkWriter, FigureRow, OwnRow, SeedTimings } from './indicators-seed.js';
import { rollupSql, seedIndicatorsData, seedVersion } from './indicators-seed.js';

/** Where the benchmark's PostgreSQL lives: the tests' server unless GUANKONG_BENCH_PG_URL says. */
export const benchPostgresUrl =
  process.env.GUANKONG_BENCH_PG_URL ??
  process.env.GUANKONG_TEST_PG_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export const seedSchema = `gk_bench_indicators_v${seedVersion}`;

/** Null when a server answers, or the reason it does not. */
export const postgresUnavailable = async (url = benchPostgresUrl): Promise<string | null> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
};

const connect = async (url: string, schema?: string) => {
  const client = new pg.Client({
    connectionString: url,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  return client;
};

const batchSize = 5000;

/** Groups rows into batches of `batchSize`. */
function* batches<T>(rows: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** PostgreSQL's bulk writer: unnest batches on one connection, one transaction per step. */
const postgresBulk = async (url: string, schema: string): Promise<BulkWriter> => {
  const client = await connect(url, schema);
  const inTransaction = async (work: () => Promise<void>) => {
    await client.query('begin');
    try {
      await work();
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  };
  const column = <T>(rows: readonly OwnRow[], pick: (r: OwnRow) => T) => rows.map(pick);
  return {
    ownParts: (rows) =>
      inTransaction(async () => {
        for (const b of batches(rows)) {
          const own = [
            column(b, (r) => r.indicatorId),
            column(b, (r) => r.unitId),
            column(b, (r) => r.period),
            column(b, (r) => r.numerator),
            column(b, (r) => r.denominator),
            column(b, (r) => r.value),
            column(b, (r) => r.origin),
            column(b, (r) => r.recordedAt),
            column(b, (r) => r.by),
          ];
          await client.query(
            `insert into indicator_values (indicator_id, unit_id, period, own_numerator, own_denominator, own_value,
               tree_numerator, tree_denominator, tree_value, origin, recorded_at, recorded_by_user_id)
             select i, u, p, n, d, v, n, d, v, o, r, b
               from unnest($1::int[], $2::int[], $3::text[], $4::float8[], $5::float8[], $6::float8[],
                           $7::text[], $8::text[], $9::int[]) as t(i, u, p, n, d, v, o, r, b)`,
            own,
          );
          await client.query(
            `insert into indicator_value_versions (indicator_id, unit_id, period, numerator, denominator, value,
               origin, recorded_at, recorded_by_user_id, superseded_at, note)
             select i, u, p, n, d, v, o, r, b, null, note
               from unnest($1::int[], $2::int[], $3::text[], $4::float8[], $5::float8[], $6::float8[],
                           $7::text[], $8::text[], $9::int[], $10::text[]) as t(i, u, p, n, d, v, o, r, b, note)`,
            [...own, column(b, (r) => r.note)],
          );
        }
      }),
    rollups: async (indicatorId, aggregation) => {
      await client.query(rollupSql(aggregation), [indicatorId]);
    },
    figures: (rows) =>
      inTransaction(async () => {
        for (const b of batches<FigureRow>(rows))
          await client.query(
            `insert into case_figure_days (unit_id, day, case_type_id, category_key, assignee_user_id, metric, n)
             select * from unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::int[])`,
            [0, 1, 2, 3, 4, 5, 6].map((k) => b.map((r) => r[k])),
          );
      }),
    close: () => client.end(),
  };
};

/** The schema's tables. */
const tablesOf = async (client: pg.Client, schema: string) =>
  (
    await client.query<{ name: string }>(
      'select tablename as name from pg_tables where schemaname = $1 order by tablename',
      [schema],
    )
  ).rows.map((r) => r.name);

export type SeededSchema = { schema: string; timings: SeedTimings | null };

/** The seeded schema, built once per seed version (`reseed` rebuilds it), analyzed. */
export const ensureIndicatorsSeededPg = async ({
  reseed,
  url = benchPostgresUrl,
}: {
  reseed: boolean;
  url?: string;
}): Promise<SeededSchema> => {
  const admin = await connect(url);
  try {
    const exists = await admin.query('select 1 from pg_namespace where nspname = $1', [seedSchema]);
    if (exists.rowCount && !reseed) return { schema: seedSchema, timings: null };
    // Built under another name and renamed at the end: an interrupted seed is never reused.
    const building = `${seedSchema}_building`;
    await admin.query(`drop schema if exists ${building} cascade`);
    await admin.query(`create schema ${building}`);
    const started = performance.now();
    const db = createDatabase({ dialect: 'postgres', url, schema: building, poolSize: 4 });
    const timings = await seedIndicatorsData(db, () => postgresBulk(url, building));
    const mark = performance.now();
    for (const table of await tablesOf(admin, building)) await admin.query(`analyze ${building}.${table}`);
    timings['analyze'] = performance.now() - mark;
    timings.total = performance.now() - started;
    await admin.query(`drop schema if exists ${seedSchema} cascade`);
    await admin.query(`alter schema ${building} rename to ${seedSchema}`);
    return { schema: seedSchema, timings };
  } finally {
    await admin.end();
  }
};

/**
 * Copies a schema's tables with their rows, keys, indexes, foreign keys (not re-validated: the
 * rows come from a schema that enforced them), triggers and identity counters, then VACUUM ANALYZE
 * (a settled database: planner statistics and the visibility map index-only scans rely on).
 * Returns the time each part took.
 */
export const copySchema = async ({
  from,
  to,
  url = benchPostgresUrl,
}: {
  from: string;
  to: string;
  url?: string;
}): Promise<{ copy: number; indexes: number; vacuum: number }> => {
  const admin = await connect(url);
  try {
    let mark = performance.now();
    const lap = () => {
      const now = performance.now();
      const took = now - mark;
      mark = now;
      return took;
    };
    await admin.query(`drop schema if exists ${to} cascade`);
    await admin.query(`create schema ${to}`);
    const tables = await tablesOf(admin, from);
    for (const t of tables) {
      await admin.query(`create table ${to}.${t} (like ${from}.${t} including all excluding indexes)`);
      await admin.query(`insert into ${to}.${t} overriding system value select * from ${from}.${t}`);
    }
    const copy = lap();
    // Constraint definitions print unqualified names for what the search path shows.
    await admin.query(`set search_path to ${from}`);
    const constraints = (
      await admin.query<{ table: string; name: string; kind: string; def: string }>(
        `select c.conrelid::regclass::text as table, c.conname as name, c.contype as kind,
                pg_get_constraintdef(c.oid) as def
           from pg_constraint c join pg_namespace n on n.oid = c.connamespace
          where n.nspname = $1 and c.contype in ('p', 'u', 'f', 'x')
          order by c.contype <> 'p', c.contype = 'f'`,
        [from],
      )
    ).rows;
    const indexes = (
      await admin.query<{ def: string }>(
        `select indexdef as def from pg_indexes i
          where schemaname = $1
            and not exists (select 1 from pg_constraint c join pg_namespace n on n.oid = c.connamespace
                             where n.nspname = $1 and c.conname = i.indexname)`,
        [from],
      )
    ).rows;
    // Triggers keep calling the source schema's functions (qualified: not on the search path).
    await admin.query('set search_path to pg_catalog');
    const triggers = (
      await admin.query<{ def: string }>(
        `select pg_get_triggerdef(t.oid) as def from pg_trigger t
           join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1 and not t.tgisinternal`,
        [from],
      )
    ).rows;
    await admin.query(`set search_path to ${to}`);
    for (const c of constraints)
      await admin.query(
        `alter table ${c.table} add constraint ${c.name} ${c.def}${c.kind === 'f' ? ' not valid' : ''}`,
      );
    for (const i of indexes) await admin.query(i.def.replace(` ON ${from}.`, ` ON ${to}.`));
    for (const t of triggers) await admin.query(t.def.replace(` ON ${from}.`, ` ON ${to}.`));
    const identities = (
      await admin.query<{ table: string; column: string }>(
        `select table_name as table, column_name as column from information_schema.columns
          where table_schema = $1 and is_identity = 'YES'`,
        [to],
      )
    ).rows;
    for (const c of identities)
      await admin.query(
        `select setval(pg_get_serial_sequence('${to}.${c.table}', '${c.column}'),
                       (select coalesce(max(${c.column}), 0) + 1 from ${to}.${c.table}), false)`,
      );
    const indexTime = lap();
    for (const t of tables) await admin.query(`vacuum (analyze) ${to}.${t}`);
    return { copy, indexes: indexTime, vacuum: lap() };
  } finally {
    await admin.end();
  }
};

export const dropSchema = async (schema: string, url = benchPostgresUrl) => {
  const admin = await connect(url);
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await admin.end();
  }
};
