import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Transaction } from 'kysely';
import pg from 'pg';
import type { Config, Dialect } from '../config/config.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** A database handle or an open transaction: repos accept either. */
export type Executor = Kysely<Database> | Transaction<Database>;

// COUNT(*) and other int8 values come back from pg as strings; every count we use fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type DatabaseOptions =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string; schema?: string; poolSize?: number };

const openSqlite = (file: string) => {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const handle = new SqliteDatabase(file);
  // WAL lets readers run beside the one writer; foreign keys are off by default in SQLite;
  // a busy timeout makes a second process wait for the write lock instead of failing.
  handle.pragma('journal_mode = WAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  handle.pragma('synchronous = NORMAL');
  // Planner statistics, as SQLite advises for long-lived connections: without them the figures
  // queries picked a poor index on a large database (docs/benchmarks.md). Bounded, so quick.
  handle.pragma('analysis_limit = 400');
  handle.pragma('optimize = 0x10002');
  return handle;
};

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL)
 * cost more than running the small indexed queries a request makes. Statements are reusable,
 * so this cache keeps the most recent ones by SQL text. Only `prepare` is intercepted.
 */
const withStatementCache = (handle: SqliteDatabase.Database, size = 500): SqliteDatabase.Database => {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return new Proxy(handle, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (sql: string) => {
        let statement = cache.get(sql);
        if (statement) {
          cache.delete(sql); // re-insert: the Map's order is the recency order
        } else {
          statement = target.prepare(sql);
          if (cache.size >= size) cache.delete(cache.keys().next().value as string);
        }
        cache.set(sql, statement);
        return statement;
      };
    },
  });
};

/** The better-sqlite3 connection of each SQLite Kysely, by its adapter (which its transactions share). */
const sqliteHandles = new WeakMap<object, SqliteDatabase.Database>();

/**
 * The better-sqlite3 connection under a SQLite handle or transaction (null on PostgreSQL), for
 * the one place Kysely's per-query cost matters: bulk writes of a million rows (an import), as
 * prepared statements run row by row. There is one connection, so a statement run on it inside a
 * Kysely transaction's callback is part of that transaction. Never for anything else.
 */
export const sqliteHandleOf = (db: Executor): SqliteDatabase.Database | null =>
  sqliteHandles.get(db.getExecutor().adapter) ?? null;

/** Opens Kysely over better-sqlite3 or pg. `schema` (PostgreSQL) sets the search_path, used by tests. */
export const createDatabase = (options: DatabaseOptions): Db => {
  const plugins = [new CamelCasePlugin()];
  if (options.dialect === 'sqlite') {
    const handle = withStatementCache(openSqlite(options.file));
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }), plugins });
    sqliteHandles.set(db.getExecutor().adapter, handle);
    return db;
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
};

export const databaseOptionsFromConfig = (config: Config): DatabaseOptions =>
  config.database.dialect === 'sqlite'
    ? { dialect: 'sqlite', file: config.database.file }
    : { dialect: 'postgres', url: config.database.url };

/** Which SQL dialect a handle speaks; migrations and the few dialect-specific queries branch on it. */
export const dialectOf = (db: Executor | Kysely<unknown>): Dialect =>
  db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';

/** True when the database answers a trivial query. */
export const pingDatabase = async (db: Db): Promise<boolean> => {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
};

/** A unique-constraint violation on either dialect (a concurrent or repeated insert). */
/** A row still referenced elsewhere (another module's data hangs on it). */
export const isForeignKeyViolation = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // SQLite reports an ON DELETE RESTRICT hit as a trigger constraint (its FK actions are triggers).
  return (
    code === '23503' ||
    code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
    (code === 'SQLITE_CONSTRAINT_TRIGGER' && String(message).includes('FOREIGN KEY'))
  );
};

export const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};
