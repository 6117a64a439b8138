/** The source of time for every rule; tests inject a fixed or stepping clock. */
export type Clock = { now: () => Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and moves only when told to. */
export const manualClock = (start: Date | string) => {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (to: Date | string) => {
      current = new Date(to);
    },
    advance: (ms: number) => {
      current = new Date(current.getTime() + ms);
    },
  };
};

/** The storage form of a time: an ISO-8601 UTC string. */
export const isoNow = (clock: Clock): string => clock.now().toISOString();
