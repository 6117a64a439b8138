/*
 * The keys an import has seen, to report a key on a later row as a duplicate. A million keys as
 * strings in a `Set` took 52 MB of heap (a string object and a hash entry each), all of it live
 * until the end. Most keys are numbers (phone numbers, account numbers): a key of 1–14 ASCII
 * digits is kept as a double in an open-addressing table (8 bytes a slot, outside the garbage
 * collector's way), with its length in it so that `0123` and `123` stay two keys. Other keys go
 * to an ordinary `Set`.
 */

/** Digits below this count fit a double exactly, together with their count (`count × 10^14 + n`). */
const maxDigits = 14;
const lengthUnit = 1e14;

/** The number a key of digits is kept as, or -1 for a key that is not 1–14 ASCII digits. */
const digitsKey = (key: string): number => {
  const length = key.length;
  if (length === 0 || length > maxDigits) return -1;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return length * lengthUnit + n;
};

export class KeySet {
  /** 0 is an empty slot: no kept number is 0 (the length is at least 1). */
  private slots = new Float64Array(1 << 16);
  private count = 0;
  private readonly others = new Set<string>();

  /** Adds `key`; false when it was there already. */
  add(key: string): boolean {
    const n = digitsKey(key);
    if (n === -1) {
      if (this.others.has(key)) return false;
      // A long cell is a slice of the reader's 64 KB chunk: kept as it is, it would pin the chunk.
      this.others.add(key.length >= 13 ? Buffer.from(key).toString() : key);
      return true;
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (!this.insert(this.slots, n)) return false;
    this.count++;
    return true;
  }

  get size(): number {
    return this.count + this.others.size;
  }

  private insert(slots: Float64Array, n: number): boolean {
    const mask = slots.length - 1;
    // Fibonacci hashing of the low and high 32 bits mixed, its top bits the slot: phone numbers
    // differ in few bits, and the low bits of a product mix them poorly.
    const low = (n % 4294967296) | 0;
    const high = (n / 4294967296) | 0;
    let i = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> (Math.clz32(slots.length) + 1);
    for (;;) {
      const at = slots[i]!;
      if (at === 0) {
        slots[i] = n;
        return true;
      }
      if (at === n) return false;
      i = (i + 1) & mask;
    }
  }

  private grow() {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const n of old) if (n !== 0) this.insert(this.slots, n);
  }
}
