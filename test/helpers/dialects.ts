import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Dialect } from '../../src/platform/config/config.js';
import { createDatabase } from '../../src/platform/db/database.js';
import type { Db, DatabaseOptions } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrations.js';

/** Where the test PostgreSQL lives; override with GUANKONG_TEST_PG_URL. */
export const testPostgresUrl = process.env.GUANKONG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgReachable: Promise<string | null> | undefined;

/** Resolves to null when PostgreSQL answers, or to the reason it does not. */
export const postgresUnavailableReason = (): Promise<string | null> => {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgReachable;
};

export type TestDatabase = {
  dialect: Dialect;
  db: Db;
  /** Options that open another handle on the same database (a second "process"). */
  options: DatabaseOptions;
  destroy: () => Promise<void>;
};

/** A fresh, migrated database: a temporary SQLite file, or a new PostgreSQL schema. */
export const createTestDatabase = async (dialect: Dialect): Promise<TestDatabase> => {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'guankong-test-'));
    const options: DatabaseOptions = { dialect: 'sqlite', file: path.join(dir, 'test.sqlite') };
    const db = createDatabase(options);
    await migrateToLatest(db);
    return {
      dialect,
      db,
      options,
      destroy: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `gk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const options: DatabaseOptions = { dialect: 'postgres', url: testPostgresUrl, schema, poolSize: 5 };
  const db = createDatabase(options);
  await migrateToLatest(db);
  return {
    dialect,
    db,
    options,
    destroy: async () => {
      await db.destroy();
      const cleanup = new pg.Client({ connectionString: testPostgresUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
};

const reason = await postgresUnavailableReason();
if (reason && !process.env.GUANKONG_TEST_PG_QUIET) {
  console.warn(`[guankong tests] PostgreSQL runs skipped: no server at ${testPostgresUrl} (${reason})`);
}
if (reason && process.env.GUANKONG_TEST_REQUIRE_PG === 'true') {
  throw new Error(`GUANKONG_TEST_REQUIRE_PG is set but PostgreSQL is unreachable: ${reason}`);
}

/** The dialects this run covers: SQLite always, PostgreSQL when a server answers. */
export const testDialects: Dialect[] = reason ? ['sqlite'] : ['sqlite', 'postgres'];

/**
 * Runs a suite once per dialect, as Kysely's own tests do. The suite receives a getter
 * for the database of its dialect, created and migrated once for the file's suite.
 */
export const describeEachDialect = (name: string, suite: (ctx: () => TestDatabase) => void) => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const run = testDialects.includes(dialect) ? describe : describe.skip;
    // Skipped only when no PostgreSQL server answers; the reason is printed above.
    run(`${name} [${dialect}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(dialect);
      });
      afterAll(async () => {
        await current?.destroy();
      });
      suite(() => {
        if (!current) throw new Error('test database not ready');
        return current;
      });
    });
  }
};
