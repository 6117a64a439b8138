import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { AppError } from '../../platform/errors/app-error.js';
import type { TextEncoding } from './file-sniff.js';
import { completeUtf8Length } from './file-sniff.js';

/*
 * The bytes of a CSV file to the text the CSV parser reads, refusing bytes that are not valid in the
 * encoding instead of turning them into U+FFFD: a phone number or an amount with a replaced
 * character would be imported wrong without anyone noticing.
 *
 * UTF-8 is checked and passed on as bytes (csv-rows.ts turns them into text with a string
 * decoder, which joins a character cut across chunks); other encodings are decoded with iconv-lite. Both count the lines seen,
 * to say where a bad byte is.
 */

const lineFeed = 0x0a;

const countLineFeeds = (bytes: Uint8Array, end = bytes.length): number => {
  let n = 0;
  for (let i = bytes.indexOf(lineFeed); i !== -1 && i < end; i = bytes.indexOf(lineFeed, i + 1)) n++;
  return n;
};

const countNewlines = (text: string, end = text.length): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** The offset of the first byte that does not start a valid UTF-8 sequence (the length when all are valid). */
export const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The lead byte gives the length and the range of the second byte (no overlongs, no surrogates).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
};

/**
 * A Transform from the bytes of a text file (its byte-order mark skipped: `skip` bytes) to UTF-8
 * for the CSV parser. Fails with `imports.encoding` at the first byte that is not valid in `encoding`.
 */
export const createTextDecoder = ({ encoding, skip }: { encoding: TextEncoding; skip: number }): Transform =>
  encoding === 'utf-8' ? new Utf8Checker(skip) : new IconvDecoder(encoding, skip);

/** The length of the UTF-8 sequence a lead byte starts (4 for bytes no sequence starts: they fail later). */
const sequenceLength = (lead: number) => (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2);

class Utf8Checker extends Transform {
  /** Bytes of the file before the current chunk (the byte-order mark included), and line feeds in them. */
  private offset = 0;
  private lines = 0;
  /** The start of a character cut at the end of the previous chunk, and its offset in the file. */
  private carry: Buffer | null = null;
  private carryOffset = 0;

  constructor(private skip: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.skip > 0) {
      const skipped = Math.min(this.skip, chunk.length);
      this.skip -= skipped;
      this.offset += skipped;
      chunk = chunk.subarray(skipped);
    }
    // The chunk goes on as it is (the string decoder after it joins a character cut across chunks); only the check
    // needs whole characters.
    let start = 0;
    if (this.carry) {
      const need = sequenceLength(this.carry[0]!);
      start = Math.min(need - this.carry.length, chunk.length);
      const joined = Buffer.concat([this.carry, chunk.subarray(0, start)]);
      if (joined.length < need) {
        this.carry = joined; // a chunk of a byte or two: the character is still cut
        return this.pass(chunk, done);
      }
      if (firstInvalidUtf8(joined) !== joined.length) return done(this.failure(this.carryOffset));
      this.carry = null;
    }
    const end = Math.max(start, completeUtf8Length(chunk));
    const body = chunk.subarray(start, end);
    if (!isUtf8(body)) {
      const at = start + firstInvalidUtf8(body);
      return done(this.failure(this.offset + at, countLineFeeds(chunk, at)));
    }
    if (end < chunk.length) {
      this.carry = Buffer.from(chunk.subarray(end));
      this.carryOffset = this.offset + end;
    }
    this.pass(chunk, done);
  }

  override _flush(done: TransformCallback): void {
    done(this.carry ? this.failure(this.carryOffset) : null);
  }

  private pass(chunk: Buffer, done: TransformCallback) {
    this.lines += countLineFeeds(chunk);
    this.offset += chunk.length;
    if (chunk.length > 0) this.push(chunk);
    done();
  }

  private failure(offset: number, linesInChunk = 0): AppError {
    return new AppError('imports.encoding', {
      encoding: 'utf-8',
      offset,
      line: this.lines + linesInChunk + 1,
    });
  }
}

class IconvDecoder extends Transform {
  private readonly decoder: ReturnType<typeof iconv.getDecoder>;
  private offset = 0;
  private lines = 0;

  constructor(
    private readonly encoding: TextEncoding,
    private skip: number,
  ) {
    super();
    this.decoder = iconv.getDecoder(encoding, { stripBOM: false });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.skip > 0) {
      const skipped = Math.min(this.skip, chunk.length);
      this.skip -= skipped;
      this.offset += skipped;
      chunk = chunk.subarray(skipped);
    }
    const text = this.decoder.write(chunk);
    const failure = this.check(text);
    if (failure) return done(failure);
    this.offset += chunk.length;
    this.lines += countNewlines(text);
    if (text.length > 0) this.push(text);
    done();
  }

  override _flush(done: TransformCallback): void {
    const text = this.decoder.end() ?? '';
    const failure = this.check(text);
    if (failure) return done(failure);
    if (text.length > 0) this.push(text);
    done();
  }

  /**
   * iconv-lite replaces a bad sequence with U+FFFD. A file may hold U+FFFD itself (GB18030 can
   * encode it), but only after some earlier tool failed the same way, so it is refused too. The
   * offset is that of the text before it encoded again: exact but for a character cut across chunks.
   */
  private check(text: string): AppError | null {
    const bad = text.indexOf('\uFFFD');
    if (bad === -1) return null;
    const before = text.slice(0, bad);
    return new AppError('imports.encoding', {
      encoding: this.encoding,
      offset: this.offset + iconv.encode(before, this.encoding).length,
      line: this.lines + countNewlines(before) + 1,
    });
  }
}
