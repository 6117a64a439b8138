import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/database.js';
import * as jobsRepo from './jobs.repo.js';

/*
 * Background work coordinated through the database: a job is a row with a unique key, so
 * enqueueing is idempotent and N processes can share one queue. Jobs are run by the runner
 * (jobs.runner.ts); sweeps are recurring jobs it enqueues once per time slot.
 */

export type EnqueueJobInput = {
  /** Selects the handler that runs the job. */
  name: string;
  /** Idempotency key: enqueueing an existing key does nothing and returns the existing job. */
  key: string;
  /** Any JSON-serialisable value; the handler receives it parsed. */
  payload?: unknown;
  /** Not run before this time; default now. */
  runAt?: Date;
  /** Runs in total, counting the first; default 5. */
  maxAttempts?: number;
};

export type EnqueueJobResult = { id: number; created: boolean };

/** Adds a job unless its key exists. Pass a transaction to enqueue together with the change that needs it. */
export const enqueueJob = async (
  db: Executor,
  { name, key, payload = null, runAt, maxAttempts = 5 }: EnqueueJobInput,
  { clock }: { clock: Clock },
): Promise<EnqueueJobResult> => {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be ≥ 1: ${key}`);
  const now = clock.now().toISOString();
  return jobsRepo.insertJobIfAbsent(db, {
    name,
    key,
    payloadJson: JSON.stringify(payload) ?? 'null',
    status: 'queued',
    runAt: runAt ? runAt.toISOString() : now,
    attempts: 0,
    maxAttempts,
    createdAt: now,
    updatedAt: now,
  });
};

/** What a handler sees of its job. `attempt` is 1 on the first run. */
export type RunningJob = {
  id: number;
  name: string;
  key: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  runAt: Date;
};

export type JobDeps = { db: Db; clock: Clock; workerId: string };

/** Runs one job; the resolved value (if not undefined) is stored as the job's result JSON. Throw to retry. */
export type JobHandler = (job: RunningJob, deps: JobDeps) => Promise<unknown>;

export type SweepSlot = { slotStart: Date; slotEnd: Date };

export type Sweep = {
  name: string;
  everyMs: number;
  maxAttempts: number;
  handler: (slot: SweepSlot, deps: JobDeps) => Promise<unknown>;
};

/**
 * A recurring task run once per slot of `everyMs` (slots aligned on the Unix epoch) across
 * all processes. A failed run is retried within its slot up to `maxAttempts` (default 3);
 * handlers should be idempotent, because a retry may overlap the next slot's run.
 */
export const defineSweep = ({
  name,
  everyMs,
  handler,
  maxAttempts = 3,
}: Omit<Sweep, 'maxAttempts'> & { maxAttempts?: number }): Sweep => {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
    throw new Error(`Sweep name must be lower-case kebab/dot: ${name}`);
  if (!Number.isInteger(everyMs) || everyMs < 1000) throw new Error(`Sweep ${name}: everyMs must be ≥ 1000`);
  return { name, everyMs, handler, maxAttempts };
};

/** The job name and key of a sweep's run for the slot containing `now`. */
export const sweepJobFor = (sweep: Sweep, now: Date) => {
  const slotStart = new Date(Math.floor(now.getTime() / sweep.everyMs) * sweep.everyMs);
  return {
    name: `sweep:${sweep.name}`,
    key: `sweep:${sweep.name}:${slotStart.toISOString()}`,
    slotStart,
  };
};
