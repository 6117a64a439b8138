import { describe, expect, it } from 'vitest';
import { maskPhone, normalisePhone } from './mask.js';

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 characters of a mobile number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0571-8888-6666')).toBe('057****6666');
  });
  it('masks the middle of short numbers and never returns one unchanged', () => {
    expect(maskPhone('8888666')).toBe('8*****6');
    expect(maskPhone('12345')).toBe('1***5');
    expect(maskPhone('110')).toBe('***');
    for (const phone of ['1', '12', '1234', '1234567', '12345678', '+8613800001234']) {
      expect(maskPhone(phone)).not.toBe(phone);
      expect(maskPhone(phone)).toContain('*');
    }
  });
  it('drops separators for comparison', () => {
    expect(normalisePhone('+86 138-0000 1234')).toBe('+8613800001234');
  });
});
