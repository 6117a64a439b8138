import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import * as jobsRepo from './jobs.repo.js';
import type { JobRow } from './jobs.repo.js';
import { enqueueJob, sweepJobFor } from './jobs.service.js';
import type { JobDeps, JobHandler, RunningJob, Sweep } from './jobs.service.js';

/*
 * The runner: claims due jobs through the database, so N processes running it share the work
 * and run each job once. Time comes from the injected clock; only the polling interval of
 * `start` uses real timers.
 */

/** A pino logger fits; the runner logs only ids, names and error messages. */
export type JobLog = {
  warn: (details: object, message: string) => void;
  error: (details: object, message: string) => void;
};

const silentLog: JobLog = { warn: () => undefined, error: () => undefined };

export type JobRunnerOptions = {
  db: Db;
  clock: Clock;
  /** Unique per process (e.g. host:pid); recorded as `locked_by`. */
  workerId: string;
  handlers: Record<string, JobHandler>;
  sweeps?: Sweep[];
  log?: JobLog;
  /** How long a claim holds; must exceed the longest handler, or the job may run twice. Default 5 min. */
  leaseMs?: number;
  /** Jobs claimed and run concurrently per tick. Default 10. */
  batchSize?: number;
  /** Delay before the first retry, doubled each further attempt. Default 30 s. */
  backoffMs?: number;
  /** Upper bound of the retry delay. Default 1 h. */
  maxBackoffMs?: number;
};

export type RunCounts = {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Runs that finished after their lease had been taken over; their outcome was discarded. */
  leaseLost: number;
};

export type JobRunner = {
  /** One tick: releases expired leases, enqueues due sweeps, claims and runs one batch. */
  runOnce: () => Promise<RunCounts>;
  /** Ticks every `pollMs`, at once again while batches come back full. */
  start: (options: { pollMs: number }) => void;
  /** Stops ticking and resolves when the jobs in flight have finished. */
  stop: () => Promise<void>;
};

/** Only the message, bounded: stacks and causes may carry connection strings or payload data. */
const MAX_ERROR_LENGTH = 1000;
const describeError = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return (message || 'error without message').slice(0, MAX_ERROR_LENGTH);
};

/** Delay before the run after failed attempt `attempt` (1-based): backoff, 2×backoff, 4×backoff… */
export const retryDelayMs = (attempt: number, { backoffMs, maxBackoffMs }: RetryPolicy): number =>
  Math.min(backoffMs * 2 ** Math.min(attempt - 1, 30), maxBackoffMs);

type RetryPolicy = { backoffMs: number; maxBackoffMs: number };

/** Builds a runner for the given handlers and sweeps. It claims only jobs whose name it can handle. */
export const createJobRunner = ({
  db,
  clock,
  workerId,
  handlers,
  sweeps = [],
  log = silentLog,
  leaseMs = 5 * 60_000,
  batchSize = 10,
  backoffMs = 30_000,
  maxBackoffMs = 60 * 60_000,
}: JobRunnerOptions): JobRunner => {
  const allHandlers = new Map<string, JobHandler>(Object.entries(handlers));
  for (const sweep of sweeps) {
    const { name } = sweepJobFor(sweep, new Date(0));
    if (allHandlers.has(name)) throw new Error(`Duplicate job handler: ${name}`);
    allHandlers.set(name, (job, deps) => {
      // From the payload, not run_at: a retry moves run_at but still belongs to its slot.
      const slotStart = new Date((job.payload as { slotStart: string }).slotStart);
      return sweep.handler({ slotStart, slotEnd: new Date(slotStart.getTime() + sweep.everyMs) }, deps);
    });
  }
  const names = [...allHandlers.keys()];
  const deps: JobDeps = { db, clock, workerId };
  const policy: RetryPolicy = { backoffMs, maxBackoffMs };
  // The last slot each sweep was enqueued for here; saves an insert per sweep per tick.
  const enqueuedSlot = new Map<string, string>();

  const enqueueDueSweeps = async () => {
    for (const sweep of sweeps) {
      const { name, key, slotStart } = sweepJobFor(sweep, clock.now());
      if (enqueuedSlot.get(sweep.name) === key) continue;
      const payload = { slotStart: slotStart.toISOString() };
      await enqueueJob(
        db,
        { name, key, payload, runAt: slotStart, maxAttempts: sweep.maxAttempts },
        { clock },
      );
      enqueuedSlot.set(sweep.name, key);
    }
  };

  type Outcome = 'done' | 'retried' | 'failed' | 'leaseLost';

  const runJob = async (row: JobRow, handler: JobHandler): Promise<Outcome> => {
    const lease = { id: row.id, workerId, attempt: row.attempts };
    let result: unknown;
    try {
      const job: RunningJob = {
        id: row.id,
        name: row.name,
        key: row.key,
        payload: JSON.parse(row.payloadJson),
        attempt: row.attempts,
        maxAttempts: row.maxAttempts,
        runAt: new Date(row.runAt),
      };
      result = await handler(job, deps);
    } catch (error) {
      const lastError = describeError(error);
      const now = clock.now();
      const giveUp = row.attempts >= row.maxAttempts;
      const recorded = giveUp
        ? await jobsRepo.markJobFailed(db, lease, { now: now.toISOString(), lastError })
        : await jobsRepo.rescheduleJob(db, lease, {
            now: now.toISOString(),
            runAt: new Date(now.getTime() + retryDelayMs(row.attempts, policy)).toISOString(),
            lastError,
          });
      if (!recorded) {
        log.warn({ jobId: row.id, job: row.name, workerId }, 'job failed after its lease expired');
        return 'leaseLost';
      }
      log.warn({ jobId: row.id, job: row.name, attempt: row.attempts, error: lastError }, 'job run failed');
      return giveUp ? 'failed' : 'retried';
    }
    const resultJson = result === undefined ? null : (JSON.stringify(result) ?? null);
    const recorded = await jobsRepo.markJobDone(db, lease, { now: clock.now().toISOString(), resultJson });
    if (!recorded) {
      log.warn({ jobId: row.id, job: row.name, workerId }, 'job finished after its lease expired');
    }
    return recorded ? 'done' : 'leaseLost';
  };

  const tick = async (): Promise<RunCounts> => {
    const counts: RunCounts = { claimed: 0, done: 0, retried: 0, failed: 0, leaseLost: 0 };
    const now = clock.now();
    const released = await jobsRepo.releaseExpiredLeases(db, { names, now: now.toISOString() });
    if (released.requeued + released.failed > 0) {
      log.warn({ workerId, ...released }, 'expired job leases released');
    }
    await enqueueDueSweeps();
    const claimed = await jobsRepo.claimDueJobs(db, {
      names,
      workerId,
      now: now.toISOString(),
      lockedUntil: new Date(now.getTime() + leaseMs).toISOString(),
      limit: batchSize,
    });
    counts.claimed = claimed.length;
    const outcomes = await Promise.all(
      claimed.map((row) => {
        const handler = allHandlers.get(row.name);
        // Unreachable: the claim selects only names we handle. Kept as a guard for the type.
        if (!handler) throw new Error(`No handler for job ${row.name}`);
        return runJob(row, handler);
      }),
    );
    for (const outcome of outcomes) counts[outcome] += 1;
    return counts;
  };

  const inFlight = new Set<Promise<RunCounts>>();
  const runOnce = (): Promise<RunCounts> => {
    const run = tick();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run)).catch(() => undefined);
    return run;
  };

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const start = ({ pollMs }: { pollMs: number }) => {
    if (running) return;
    running = true;
    const loop = async () => {
      let full = false;
      try {
        full = (await runOnce()).claimed === batchSize;
      } catch (error) {
        // A database hiccup must not stop the loop; the next tick tries again.
        log.error({ workerId, error: describeError(error) }, 'job runner tick failed');
      }
      if (running) timer = setTimeout(() => void loop(), full ? 0 : pollMs);
    };
    timer = setTimeout(() => void loop(), 0);
  };

  const stop = async () => {
    running = false;
    clearTimeout(timer);
    await Promise.allSettled([...inFlight]);
  };

  return { runOnce, start, stop };
};
