import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { completeUtf8Length, detectDelimiter, sniffFile } from './file-sniff.js';
import { firstInvalidUtf8 } from './text-decoder.js';

describe('sniffFile', () => {
  it('tells UTF-8 from GB18030 by the validity of the first bytes, and a BOM over both', () => {
    expect(sniffFile({ prefix: Buffer.from('网格,金额\n') })).toEqual({
      format: 'csv',
      encoding: 'utf-8',
      bomLength: 0,
    });
    expect(sniffFile({ prefix: iconv.encode('网格,金额\n', 'gbk') })).toMatchObject({ encoding: 'gb18030' });
    expect(sniffFile({ prefix: Buffer.from('\uFEFFa,b\n') })).toMatchObject({
      encoding: 'utf-8',
      bomLength: 3,
    });
    expect(sniffFile({ prefix: Buffer.from([0xfe, 0xff, 0, 0x61]) })).toMatchObject({
      encoding: 'utf-16be',
      bomLength: 2,
    });
  });

  it('takes UTF-8 when only the last character of the prefix is cut', () => {
    const prefix = Buffer.concat([Buffer.from('网格,金额'), Buffer.from('网').subarray(0, 2)]);
    expect(isUtf8(prefix)).toBe(false);
    expect(sniffFile({ prefix })).toMatchObject({ encoding: 'utf-8' });
  });

  it('trusts the encoding given over the guess', () => {
    expect(sniffFile({ prefix: Buffer.from('a,b\n'), encoding: 'gb18030' })).toMatchObject({
      encoding: 'gb18030',
    });
  });

  it('knows an .xlsx by the workbook parts of its zip, whatever their order', () => {
    const xlsx = zipSync({
      '[Content_Types].xml': Buffer.from('<Types/>'),
      'xl/workbook.xml': Buffer.from('<w/>'),
    });
    expect(sniffFile({ prefix: Buffer.from(xlsx) })).toEqual({ format: 'xlsx' });
    const binary = zipSync({
      '[Content_Types].xml': Buffer.from('<Types/>'),
      'xl/workbook.bin': Buffer.from('x'),
    });
    expect(() => sniffFile({ prefix: Buffer.from(binary) })).toThrow(
      expect.objectContaining({ code: 'imports.unsupported_format', details: { looksLike: 'XLSB' } }),
    );
  });
});

describe('detectDelimiter', () => {
  it('counts outside quotes only, on the first line only', () => {
    expect(detectDelimiter('"a;b;c;d",e,f\n1;2;3;4;5;6;7')).toBe(',');
    expect(detectDelimiter('a;b,c;d\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('phone')).toBe(',');
  });
});

describe('UTF-8 checks', () => {
  it('finds the first bad byte where isUtf8 says there is one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const at = firstInvalidUtf8(bytes);
        expect(at === bytes.length).toBe(isUtf8(bytes));
        expect(isUtf8(bytes.subarray(0, completeUtf8Length(bytes.subarray(0, at))))).toBe(true);
      }),
    );
  });

  it('cuts a character split at the end, and only that', () => {
    const text = Buffer.from('a网𠀀');
    expect(completeUtf8Length(text)).toBe(text.length);
    for (let cut = 1; cut < 4; cut++) expect(completeUtf8Length(text.subarray(0, text.length - cut))).toBe(4);
  });
});
