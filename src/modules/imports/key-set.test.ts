import { describe, expect, it } from 'vitest';
import { KeySet } from './key-set.js';

describe('the set of keys an import has seen', () => {
  it('tells a key seen before, numbers and text alike, and keeps leading zeros apart', () => {
    const keys = new KeySet();
    for (const key of ['13900000001', '0123', '123', '00123', 'A-17', '99999999999999', '123456789012345'])
      expect(keys.add(key)).toBe(true);
    for (const key of ['13900000001', '0123', '123', '00123', 'A-17', '99999999999999', '123456789012345'])
      expect(keys.add(key)).toBe(false);
    expect(keys.add('0')).toBe(true);
    expect(keys.add('00')).toBe(true);
    expect(keys.add('１２３')).toBe(true); // full-width digits are text, not 123
    expect(keys.size).toBe(10);
  });

  it('keeps every key while it grows past its first table', () => {
    const keys = new KeySet();
    const n = 300_000;
    for (let i = 0; i < n; i++) expect(keys.add(String(13_900_000_000 + i * 7))).toBe(true);
    let seen = 0;
    for (let i = 0; i < n; i++) if (!keys.add(String(13_900_000_000 + i * 7))) seen++;
    expect(seen).toBe(n);
    expect(keys.add(String(13_900_000_000 + 1))).toBe(true);
    expect(keys.size).toBe(n + 1);
  });
});
