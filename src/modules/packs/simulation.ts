/*
 * Discrete-event simulation over a manual clock. Each simulated actor (a case going through its
 * lifecycle, the escalation sweep) is an ordinary async function that waits for simulated
 * instants with `until`; the loop runs exactly one of them at a time, always the one waiting for
 * the earliest instant, after setting the clock to it. So the services see time move forward
 * only, and every row they write carries the simulated instant it happened at.
 */

type ManualClock = { now: () => Date; set: (to: Date | string) => void };

type Waiter = { at: number; seq: number; resume: () => void };

export type Simulation = {
  /** The current simulated instant, ms. */
  now: () => number;
  /**
   * Waits until instant `at` (never earlier than now). Resolves false without waiting when
   * `at` is past the end of the simulation: the process should stop there.
   */
  until: (at: number) => Promise<boolean>;
  /** Starts a process at instant `at` (ignored past the end). */
  spawn: (at: number, process: () => Promise<void>) => void;
  /** Runs until no process waits; rethrows the first error a process threw. */
  run: () => Promise<void>;
};

/** A binary min-heap by (at, seq): the earliest waiter first, ties in the order they queued. */
const createQueue = () => {
  const items: Waiter[] = [];
  const before = (a: Waiter, b: Waiter) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  return {
    get size() {
      return items.length;
    },
    push(item: Waiter) {
      items.push(item);
      let i = items.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(items[i]!, items[parent]!)) break;
        [items[i], items[parent]] = [items[parent]!, items[i]!];
        i = parent;
      }
    },
    pop(): Waiter {
      const top = items[0]!;
      const last = items.pop()!;
      if (items.length > 0) {
        items[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < items.length && before(items[l]!, items[m]!)) m = l;
          if (r < items.length && before(items[r]!, items[m]!)) m = r;
          if (m === i) break;
          [items[i], items[m]] = [items[m]!, items[i]!];
          i = m;
        }
      }
      return top;
    },
  };
};

export const createSimulation = (clock: ManualClock, end: number): Simulation => {
  const queue = createQueue();
  let seq = 0;
  let handBack: (() => void) | null = null;
  let failed = false;
  let failure: unknown;
  const now = () => clock.now().getTime();
  const yieldControl = () => {
    const back = handBack;
    handBack = null;
    back?.();
  };
  return {
    now,
    until: (at) => {
      if (at > end) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        queue.push({ at: Math.max(at, now()), seq: seq++, resume: () => resolve(true) });
        yieldControl();
      });
    },
    spawn: (at, process) => {
      if (at > end) return;
      queue.push({
        at: Math.max(at, now()),
        seq: seq++,
        resume: () => {
          process()
            .catch((error: unknown) => {
              if (!failed) [failed, failure] = [true, error];
            })
            .finally(yieldControl);
        },
      });
    },
    run: async () => {
      while (queue.size > 0 && !failed) {
        const next = queue.pop();
        clock.set(new Date(next.at));
        await new Promise<void>((done) => {
          handBack = done;
          next.resume();
        });
      }
      if (failed) throw failure;
    },
  };
};
