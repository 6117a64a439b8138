import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { AppError } from '../../platform/errors/app-error.js';

/*
 * What a file is, from its first bytes (at most `sniffBytes`), never from its name: users rename
 * files, and many systems save an HTML table or an Excel 97–2003 file as `.xls` or `.csv`.
 */

/** How much of a file is looked at to tell its format, encoding and delimiter. */
export const sniffBytes = 64 * 1024;

/** The text encodings a CSV file may be in. GBK files are read as GB18030, its superset. */
export const textEncodings = ['utf-8', 'gb18030', 'utf-16le', 'utf-16be'] as const;
export type TextEncoding = (typeof textEncodings)[number];

export type Sniffed =
  | { format: 'xlsx' }
  | {
      format: 'csv';
      encoding: TextEncoding;
      /** Bytes of the byte-order mark to skip (0 when there is none). */
      bomLength: number;
    };

const boms: ReadonlyArray<readonly [TextEncoding, Buffer]> = [
  ['utf-8', Buffer.from([0xef, 0xbb, 0xbf])],
  ['utf-16le', Buffer.from([0xff, 0xfe])],
  ['utf-16be', Buffer.from([0xfe, 0xff])],
];

/** Formats known by their first bytes that are not tables we read: the user should save the file again. */
const signatures: ReadonlyArray<readonly [Buffer, string]> = [
  [Buffer.from('%PDF'), 'PDF'],
  [Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'PNG'],
  [Buffer.from([0xff, 0xd8, 0xff]), 'JPEG'],
  [Buffer.from('GIF8'), 'GIF'],
  // OLE2, the container of Excel 97–2003 (and Word 97–2003) files: in an import, nearly always .xls.
  [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'XLS'],
  [Buffer.from([0x1f, 0x8b]), 'GZIP'],
  [Buffer.from('Rar!'), 'RAR'],
  [Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), '7Z'],
  [Buffer.from('{\\rtf'), 'RTF'],
  // An empty zip archive (end of central directory first) or a spanned one.
  [Buffer.from([0x50, 0x4b, 0x05, 0x06]), 'ZIP'],
  [Buffer.from([0x50, 0x4b, 0x07, 0x08]), 'ZIP'],
];

const zipLocalHeader = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const unsupported = (looksLike: string) => new AppError('imports.unsupported_format', { looksLike });

/**
 * The names of the zip entries whose local headers lie in `prefix`. Found by their signature rather
 * than by walking the entries: writers that stream (exceljs among them) put the sizes after the
 * data, so an entry's length is unknown from its header.
 */
const zipEntryNames = (prefix: Buffer): string[] => {
  const names: string[] = [];
  for (let at = prefix.indexOf(zipLocalHeader); at !== -1; at = prefix.indexOf(zipLocalHeader, at + 4)) {
    if (at + 30 > prefix.length) break;
    const nameLength = prefix.readUInt16LE(at + 26);
    const name = prefix.subarray(at + 30, at + 30 + nameLength).toString('latin1');
    // Compressed data can hold the signature by chance; a real name is short printable ASCII.
    if (nameLength > 0 && nameLength < 256 && /^[\x20-\x7e]+$/.test(name)) names.push(name);
  }
  return names;
};

/** A zip archive: an .xlsx workbook, or what it is instead. */
const sniffZip = (prefix: Buffer): Sniffed => {
  const names = zipEntryNames(prefix);
  if (names.includes('xl/workbook.bin')) throw unsupported('XLSB');
  if (names.some((n) => n.startsWith('xl/'))) return { format: 'xlsx' };
  if (names.some((n) => n.startsWith('word/'))) throw unsupported('DOCX');
  if (names.some((n) => n.startsWith('ppt/'))) throw unsupported('PPTX');
  if (names[0] === 'mimetype') {
    const opendocument = prefix.includes('application/vnd.oasis.opendocument.spreadsheet');
    throw unsupported(opendocument ? 'ODS' : 'ODF');
  }
  // An Office package whose workbook part lies past the prefix: the workbook reader decides,
  // and refuses it as `ZIP` when it holds no worksheet.
  if (names.includes('[Content_Types].xml')) return { format: 'xlsx' };
  throw unsupported('ZIP');
};

/** The length of `bytes` without a UTF-8 sequence cut at its end (a chunk ends mid-character). */
export const completeUtf8Length = (bytes: Uint8Array): number => {
  const end = bytes.length;
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > end ? i : end;
  }
  return end;
};

/** Control characters that text files do not hold (TAB, LF, FF, CR and ESC are fine). */
const binaryByte = (b: number) =>
  b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b;

const looksBinary = (bytes: Uint8Array): boolean => {
  for (const b of bytes) if (binaryByte(b)) return true;
  return false;
};

/** Text that is an HTML page or an XML document rather than CSV (both are saved as .xls by some systems). */
const markupKind = (text: string): string | null => {
  const start = text.slice(0, 512).trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'HTML';
  if (start.startsWith('<?xml')) return 'XML';
  return null;
};

/**
 * The encoding of a text file without a byte-order mark: UTF-8 when its first bytes are valid
 * UTF-8, otherwise GB18030 (what Excel on Chinese Windows writes as "CSV"). A character cut at the
 * end of the prefix is left out: the prefix ends mid-file, or the file was cut short, which the
 * decoder reports as a UTF-8 error rather than letting the whole file be read as GB18030.
 */
const guessEncoding = (prefix: Buffer): TextEncoding =>
  isUtf8(prefix.subarray(0, completeUtf8Length(prefix))) ? 'utf-8' : 'gb18030';

/** The text of the first bytes, for the header line and for telling HTML from CSV. */
export const decodePrefix = (prefix: Buffer, encoding: TextEncoding, bomLength: number): string =>
  encoding === 'utf-8'
    ? prefix.toString('utf8', bomLength)
    : iconv.decode(prefix.subarray(bomLength), encoding, { stripBOM: false });

/**
 * Tells the format of a file, and the encoding of a text file, from its first bytes. `encoding`,
 * when the caller knows it, is trusted over the guess, except against a byte-order mark that says
 * otherwise (an `imports.encoding` error).
 * Throws `imports.empty_file` and `imports.unsupported_format`.
 */
export const sniffFile = ({
  prefix,
  encoding,
}: {
  prefix: Buffer;
  encoding?: TextEncoding | undefined;
}): Sniffed => {
  if (prefix.length === 0) throw new AppError('imports.empty_file');
  if (prefix.subarray(0, 4).equals(zipLocalHeader)) return sniffZip(prefix);
  for (const [signature, name] of signatures)
    if (prefix.subarray(0, signature.length).equals(signature)) throw unsupported(name);

  const bom = boms.find(([, b]) => prefix.subarray(0, b.length).equals(b));
  if (bom && encoding && bom[0] !== encoding)
    throw new AppError('imports.encoding', { encoding, offset: 0, line: 1 });
  const textEncoding = bom?.[0] ?? encoding ?? guessEncoding(prefix);
  const bomLength = bom?.[1].length ?? 0;
  // UTF-16 holds zero bytes in every ASCII character; only the 8-bit encodings can be checked so.
  if (!textEncoding.startsWith('utf-16') && looksBinary(prefix.subarray(bomLength)))
    throw unsupported('binary');
  const text = decodePrefix(prefix.subarray(0, 4096), textEncoding, bomLength);
  const markup = markupKind(text);
  if (markup) throw unsupported(markup);
  return { format: 'csv', encoding: textEncoding, bomLength };
};

/** The delimiters a CSV file may use, in the order that breaks a tie. */
export const csvDelimiters = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

/**
 * The delimiter of a CSV file, from its header line: the candidate found most often outside
 * quotes (a comma when none is found: a file of one column).
 */
export const detectDelimiter = (text: string): CsvDelimiter => {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of csvDelimiters) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
};
