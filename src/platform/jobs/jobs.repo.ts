import type { Insertable, Selectable, SelectQueryBuilder, Updateable } from 'kysely';
import { dialectOf } from '../db/database.js';
import type { Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { JobTable } from './jobs.tables.js';

/*
 * Queries only. The rules (backoff, when to give up, sweeps) live in jobs.service.ts and
 * jobs.runner.ts.
 * Every state change of a claimed job is fenced on (status, locked_by, attempts): a worker
 * whose lease expired and whose job was claimed again cannot overwrite the newer run.
 */

export type JobRow = Selectable<JobTable>;

/** Inserts the job unless its key exists; `created` is false when an earlier insert won. */
export const insertJobIfAbsent = async (
  db: Executor,
  row: Insertable<JobTable>,
): Promise<{ id: number; created: boolean }> => {
  const inserted = await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  // The conflicting row is committed (PostgreSQL waited for its transaction), so it is visible here.
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('key', '=', row.key)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
};

/** The jobs a claim or a lease release will update: a query that selects their ids. */
type JobPick = SelectQueryBuilder<Database, 'jobs', { id: number }>;

/**
 * Picks rows once, in a materialized CTE, and returns an update of exactly those rows.
 *
 * Not `WHERE id IN (subquery)`: PostgreSQL may plan that as a nested-loop semi-join that re-runs
 * the subquery for each row; every re-run skips the rows this statement already updated and
 * locks fresh ones, so `LIMIT 7` claimed the whole queue (seen in the two-worker test). A CTE
 * runs once.
 *
 * On PostgreSQL the pick takes row locks and skips rows another process holds, so N workers get
 * disjoint rows without waiting or deadlocking; locking re-checks the pick's conditions on the
 * newest row version, so a row changed meanwhile is skipped, and once locked it cannot change
 * before we commit. SQLite has no row locks and one writer at a time: the whole statement runs
 * as one write transaction.
 */
const updatePicked = (db: Executor, pick: JobPick) =>
  db
    .with(
      (cte) => cte('picked').materialized(),
      () => (dialectOf(db) === 'postgres' ? pick.forUpdate().skipLocked() : pick),
    )
    .updateTable('jobs')
    .from('picked')
    .whereRef('jobs.id', '=', 'picked.id');

/** Marks up to `limit` due, queued jobs of the given names as running under `workerId`; returns them. */
export const claimDueJobs = async (
  db: Executor,
  { names, workerId, now, lockedUntil, limit }: ClaimOptions,
): Promise<JobRow[]> => {
  if (names.length === 0 || limit <= 0) return [];
  const rows = await updatePicked(
    db,
    db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'queued')
      .where('runAt', '<=', now)
      .where('name', 'in', names)
      .orderBy('runAt')
      .orderBy('id')
      .limit(limit),
  )
    .set((eb) => ({
      status: 'running',
      lockedBy: workerId,
      lockedUntil,
      attempts: eb('jobs.attempts', '+', 1),
      updatedAt: now,
    }))
    // Plain `*`: SQLite's RETURNING sees only the updated table and rejects `jobs.*`; on
    // PostgreSQL `*` adds picked.id, which equals jobs.id.
    .returningAll()
    .execute();
  // RETURNING has no defined order; run in due order.
  return rows.sort((a, b) => (a.runAt === b.runAt ? a.id - b.id : a.runAt < b.runAt ? -1 : 1));
};

type ClaimOptions = { names: string[]; workerId: string; now: string; lockedUntil: string; limit: number };

const LEASE_EXPIRED = 'lease expired: the worker stopped before finishing';

/**
 * Returns jobs whose lease ran out (their worker crashed or was killed mid-run) to the queue;
 * those that already used every attempt fail instead, so a job that kills its worker cannot
 * loop forever. Returns how many were requeued and failed.
 */
export const releaseExpiredLeases = async (
  db: Executor,
  { names, now }: { names: string[]; now: string },
): Promise<{ requeued: number; failed: number }> => {
  if (names.length === 0) return { requeued: 0, failed: 0 };
  const release = async (spent: boolean) => {
    const result = await updatePicked(
      db,
      db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'running')
        .where('lockedUntil', '<=', now)
        .where('name', 'in', names)
        .where((eb) => eb('attempts', spent ? '>=' : '<', eb.ref('maxAttempts'))),
    )
      .set({
        status: spent ? 'failed' : 'queued',
        lockedBy: null,
        lockedUntil: null,
        lastError: LEASE_EXPIRED,
        updatedAt: now,
        finishedAt: spent ? now : null,
      })
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  };
  return { failed: await release(true), requeued: await release(false) };
};

/** Identifies one run of a job: the claim that produced it. */
export type JobLease = { id: number; workerId: string; attempt: number };

const updateLeasedJob = async (
  db: Executor,
  lease: JobLease,
  changes: Updateable<JobTable>,
): Promise<boolean> => {
  const result = await db
    .updateTable('jobs')
    .set({ ...changes, lockedBy: null, lockedUntil: null })
    .where('id', '=', lease.id)
    .where('status', '=', 'running')
    .where('lockedBy', '=', lease.workerId)
    .where('attempts', '=', lease.attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

/** Records success; false when the lease was lost and another run owns the job now. */
export const markJobDone = (
  db: Executor,
  lease: JobLease,
  { now, resultJson }: { now: string; resultJson: string | null },
): Promise<boolean> =>
  updateLeasedJob(db, lease, {
    status: 'done',
    resultJson,
    lastError: null,
    updatedAt: now,
    finishedAt: now,
  });

/** Puts a failed run back in the queue for `runAt`; false when the lease was lost. */
export const rescheduleJob = (
  db: Executor,
  lease: JobLease,
  { now, runAt, lastError }: { now: string; runAt: string; lastError: string },
): Promise<boolean> => updateLeasedJob(db, lease, { status: 'queued', runAt, lastError, updatedAt: now });

/** Gives up on a job; false when the lease was lost. */
export const markJobFailed = (
  db: Executor,
  lease: JobLease,
  { now, lastError }: { now: string; lastError: string },
): Promise<boolean> =>
  updateLeasedJob(db, lease, { status: 'failed', lastError, updatedAt: now, finishedAt: now });

/** The job with this idempotency key, if any. */
export const findJobByKey = (db: Executor, key: string): Promise<JobRow | undefined> =>
  db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();
