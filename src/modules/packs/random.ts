/*
 * A small seeded random source for demo data: the same seed gives the same organisation, the
 * same customers and the same history, on every machine and every run (Math.random would not).
 * sfc32 seeded through splitmix32: fast, good enough for simulated distributions, not for secrets.
 */

export type Random = {
  /** A float in [0, 1). */
  next: () => number;
  /** An integer in [min, max], both included. */
  int: (min: number, max: number) => number;
  /** A float in [min, max). */
  between: (min: number, max: number) => number;
  /** True with probability p. */
  chance: (p: number) => boolean;
  /** One element, uniformly. */
  pick: <T>(items: readonly T[]) => T;
  /** One key of a weight table (weights need not sum to 1). */
  weighted: <K extends string>(weights: Readonly<Record<K, number>>) => K;
  /** A Poisson-distributed count with this mean (Knuth; means here are small). */
  poisson: (mean: number) => number;
  /** An independent stream derived from this one's seed and a label (one per simulated case). */
  fork: (label: string | number) => Random;
};

const splitmix32 = (seed: number) => () => {
  seed = (seed + 0x9e3779b9) | 0;
  let z = seed;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
};

/** A 32-bit hash of a text (FNV-1a), to turn labels into seeds. */
export const hashText = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

export const createRandom = (seed: number | string): Random => {
  const base = typeof seed === 'number' ? seed >>> 0 : hashText(seed);
  const init = splitmix32(base);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // warm up: the first outputs of sfc32 are weak
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => p > 0 && next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (weights) => {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>;
      const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
      if (!(total > 0)) throw new RangeError('weighted pick needs a positive weight');
      let x = next() * total;
      for (const [key, w] of entries) {
        x -= Math.max(0, w);
        if (x < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    poisson: (mean) => {
      if (mean <= 0) return 0;
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    fork: (label) => createRandom(hashText(`${base}:${label}`)),
  };
  return random;
};
