import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { manualClock } from '../clock.js';
import { createDatabase } from '../db/database.js';
import type { Db } from '../db/database.js';
import { claimDueJobs, findJobByKey } from './jobs.repo.js';
import { createJobRunner } from './jobs.runner.js';
import { defineSweep, enqueueJob } from './jobs.service.js';
import type { JobHandler } from './jobs.service.js';

// One database per dialect for the whole file: each test uses its own job names, and a
// runner claims only the names it has handlers for, so tests do not see each other's jobs.

const jobsByName = (db: Db, name: string) =>
  db.selectFrom('jobs').selectAll().where('name', '=', name).orderBy('id').execute();

describeEachDialect('jobs', (ctx) => {
  it('enqueues a key once and hands the payload to the handler unchanged', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    const payload = { caseId: 42, tags: ['超时', 'urgent'], nested: { ok: true, none: null } };
    const first = await enqueueJob(db, { name: 'echo', key: 'echo:1', payload }, { clock });
    const second = await enqueueJob(db, { name: 'echo', key: 'echo:1', payload: { other: 1 } }, { clock });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(await jobsByName(db, 'echo')).toHaveLength(1);

    const seen: unknown[] = [];
    const runner = createJobRunner({
      db,
      clock,
      workerId: 'w1',
      handlers: { echo: async (job) => (seen.push(job.payload), { echoed: job.payload }) },
    });
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(seen).toEqual([payload]);
    const row = await findJobByKey(db, 'echo:1');
    expect(row).toMatchObject({
      status: 'done',
      attempts: 1,
      lockedBy: null,
      finishedAt: clock.now().toISOString(),
    });
    expect(JSON.parse(row?.resultJson ?? 'null')).toEqual({ echoed: payload });
  });

  it('enqueues inside the caller transaction: a rollback leaves no job', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    await expect(
      db.transaction().execute(async (tx) => {
        const { created } = await enqueueJob(tx, { name: 'tx', key: 'tx:1' }, { clock });
        expect(created).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await findJobByKey(db, 'tx:1')).toBeUndefined();
  });

  it('runs a job only once the clock has reached run_at', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    let runs = 0;
    const runner = createJobRunner({
      db,
      clock,
      workerId: 'w1',
      handlers: { later: async () => void runs++ },
    });
    const runAt = new Date('2026-03-02T09:00:00.000Z');
    await enqueueJob(db, { name: 'later', key: 'later:1', runAt }, { clock });

    clock.set('2026-03-02T08:59:59.999Z');
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 });
    expect(runs).toBe(0);
    clock.set(runAt);
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(runs).toBe(1);
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 });
  });

  it('retries a failing job with growing delays, then fails it with the message only', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    let runs = 0;
    const failing: JobHandler = async () => {
      runs++;
      throw new Error(`boom ${runs} ${'x'.repeat(5000)}`);
    };
    const runner = createJobRunner({
      db,
      clock,
      workerId: 'w1',
      handlers: { flaky: failing },
      backoffMs: 1000,
    });
    await enqueueJob(db, { name: 'flaky', key: 'flaky:1', maxAttempts: 3 }, { clock });

    expect(await runner.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    let row = await findJobByKey(db, 'flaky:1');
    expect(row).toMatchObject({
      status: 'queued',
      attempts: 1,
      runAt: '2026-03-02T08:00:01.000Z',
      lockedBy: null,
    });
    expect(row?.lastError).toMatch(/^boom 1 x+$/);

    clock.advance(999);
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    row = await findJobByKey(db, 'flaky:1');
    expect(row).toMatchObject({ status: 'queued', attempts: 2, runAt: '2026-03-02T08:00:03.000Z' });

    clock.advance(2000);
    expect(await runner.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    row = await findJobByKey(db, 'flaky:1');
    expect(row).toMatchObject({ status: 'failed', attempts: 3, finishedAt: '2026-03-02T08:00:03.000Z' });
    expect(row?.lastError).toMatch(/^boom 3 x+$/);
    expect(row?.lastError).toHaveLength(1000);
    expect(row?.lastError).not.toContain('at ');

    clock.advance(60 * 60_000);
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 });
    expect(runs).toBe(3);
  });

  it('lets another worker claim a job whose lease expired, and discards the late result', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const slow = createJobRunner({
      db,
      clock,
      workerId: 'slow',
      leaseMs: 60_000,
      handlers: { lease: async () => (await stuck, 'slow') },
    });
    const other = createJobRunner({ db, clock, workerId: 'other', handlers: { lease: async () => 'other' } });
    await enqueueJob(db, { name: 'lease', key: 'lease:1' }, { clock });

    const slowRun = slow.runOnce();
    await expect.poll(async () => (await findJobByKey(db, 'lease:1'))?.status).toBe('running');
    expect(await findJobByKey(db, 'lease:1')).toMatchObject({
      lockedBy: 'slow',
      lockedUntil: '2026-03-02T08:01:00.000Z',
    });

    clock.advance(59_999);
    expect(await other.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await other.runOnce()).toMatchObject({ claimed: 1, done: 1 });

    release();
    expect(await slowRun).toMatchObject({ claimed: 1, done: 0, leaseLost: 1 });
    const row = await findJobByKey(db, 'lease:1');
    expect(row).toMatchObject({ status: 'done', attempts: 2, resultJson: '"other"' });
  });

  it('fails a job whose lease expired on its last attempt instead of running it again', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    await enqueueJob(db, { name: 'poison', key: 'poison:1', maxAttempts: 1 }, { clock });
    // A worker that claimed the job and died.
    const [claimed] = await claimDueJobs(db, {
      names: ['poison'],
      workerId: 'dead',
      now: clock.now().toISOString(),
      lockedUntil: '2026-03-02T08:05:00.000Z',
      limit: 1,
    });
    expect(claimed).toMatchObject({ status: 'running', attempts: 1 });
    let runs = 0;
    const runner = createJobRunner({
      db,
      clock,
      workerId: 'w1',
      handlers: { poison: async () => void runs++ },
    });
    clock.advance(5 * 60_000);
    expect(await runner.runOnce()).toMatchObject({ claimed: 0 });
    expect(runs).toBe(0);
    expect(await findJobByKey(db, 'poison:1')).toMatchObject({ status: 'failed', lockedBy: null });
  });

  it('runs a sweep once per slot, however many runners tick', async () => {
    const { db, options } = ctx();
    const second = createDatabase(options);
    try {
      const clock = manualClock('2026-03-02T08:00:10.000Z');
      const slots: string[] = [];
      const makeRunner = (handle: Db, workerId: string) =>
        createJobRunner({
          db: handle,
          clock,
          workerId,
          sweeps: [
            defineSweep({
              name: 'sla-check',
              everyMs: 60_000,
              handler: async ({ slotStart }) => void slots.push(slotStart.toISOString()),
            }),
          ],
          handlers: {},
        });
      const a = makeRunner(db, 'a');
      const b = makeRunner(second, 'b');

      await Promise.all([a.runOnce(), b.runOnce()]);
      clock.advance(30_000);
      await Promise.all([a.runOnce(), b.runOnce()]);
      expect(slots).toEqual(['2026-03-02T08:00:00.000Z']);
      expect(await findJobByKey(db, 'sweep:sla-check:2026-03-02T08:00:00.000Z')).toMatchObject({
        status: 'done',
      });

      clock.advance(30_000);
      await Promise.all([b.runOnce(), a.runOnce()]);
      await Promise.all([a.runOnce(), b.runOnce()]);
      expect(slots).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-02T08:01:00.000Z']);
    } finally {
      await second.destroy();
    }
  });

  it('waits for the jobs in flight when stopped', async () => {
    const { db } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    let started = false;
    const runner = createJobRunner({
      db,
      clock,
      workerId: 'w1',
      handlers: { graceful: async () => ((started = true), await sleep(100), 'finished') },
    });
    await enqueueJob(db, { name: 'graceful', key: 'graceful:1' }, { clock });
    runner.start({ pollMs: 10 });
    await expect.poll(() => started).toBe(true);
    await runner.stop();
    expect(await findJobByKey(db, 'graceful:1')).toMatchObject({ status: 'done', resultJson: '"finished"' });
  });

  it('runs each of 200 jobs exactly once with two workers on separate connections', async () => {
    const { db, options } = ctx();
    const clock = manualClock('2026-03-02T08:00:00.000Z');
    for (let i = 0; i < 200; i++) {
      await enqueueJob(db, { name: 'bulk', key: `bulk:${i}`, payload: { i } }, { clock });
    }
    const runsByJob = new Map<number, number>();
    const runsByWorker = new Map<string, number>();
    const handler: JobHandler = async (job, { workerId }) => {
      runsByJob.set(job.id, (runsByJob.get(job.id) ?? 0) + 1);
      runsByWorker.set(workerId, (runsByWorker.get(workerId) ?? 0) + 1);
      await sleep(Math.random() * 3); // interleave the two workers' claims and completions
    };
    let largestBatch = 0;
    const handles = [createDatabase(options), createDatabase(options)];
    try {
      const drain = async (handle: Db, workerId: string) => {
        const runner = createJobRunner({
          db: handle,
          clock,
          workerId,
          handlers: { bulk: handler },
          batchSize: 7,
        });
        for (;;) {
          const { claimed } = await runner.runOnce();
          largestBatch = Math.max(largestBatch, claimed);
          if (claimed === 0) break;
        }
      };
      await Promise.all(handles.map((handle, n) => drain(handle, `worker-${n}`)));
    } finally {
      await Promise.all(handles.map((handle) => handle.destroy()));
    }
    expect(largestBatch).toBe(7);
    expect(runsByJob.size).toBe(200);
    expect([...runsByJob.values()].every((runs) => runs === 1)).toBe(true);
    expect([...runsByWorker.values()].reduce((a, b) => a + b, 0)).toBe(200);
    expect(runsByWorker.get('worker-0')).toBeGreaterThan(0);
    expect(runsByWorker.get('worker-1')).toBeGreaterThan(0);
    const rows = await jobsByName(db, 'bulk');
    expect(rows.every((row) => row.status === 'done' && row.attempts === 1)).toBe(true);
  });
});
