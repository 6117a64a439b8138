import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

/*
 * The CJK font the chart rasteriser (resvg) draws Chinese labels with, and a TrueType subsetter.
 *
 * Why a subsetter: resvg-js 2.6 can only take fonts as files, and it reads the font file again
 * for every glyph it outlines. With WenQuanYi Micro Hei (5 MB) a chart costs ~2 ms per Chinese
 * glyph, with Zen Hei (16 MB) ~6 ms: 0.1–0.3 s per chart. Cutting the font down to the glyphs a
 * chart uses (a few kB) makes the same chart as fast as one with Latin labels only. Only
 * TrueType outlines (`glyf`) are subset; a CFF font (Noto CJK .otf/.ttc) is used whole (slower).
 */

/** A font file resvg can load, with the family name to ask for. */
export type ChartFont = {
  file: string;
  /** The face inside a .ttc collection. */
  faceIndex: number;
  /** The family name as the font's `name` table gives it (English where present). */
  family: string;
  /** `truetype` fonts can be subset (fast); `cff` ones are passed whole. */
  outlines: 'truetype' | 'cff';
  /** Whether the face maps the test characters 中文管控 (a font that can draw Chinese). */
  coversCjk: boolean;
};

/** Where fonts live on Debian/Ubuntu, macOS and Windows, and the per-user folders. */
export const defaultFontDirs = (): string[] => [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.local/share/fonts'),
  join(homedir(), '.fonts'),
  '/System/Library/Fonts',
  '/Library/Fonts',
  'C:\\Windows\\Fonts',
];

/**
 * Known CJK fonts, best first: small TrueType fonts before large ones (render time grows with
 * the file size even after subsetting is ruled out), CFF fonts last.
 */
const preferredFiles = [
  'wqy-microhei.ttc', // Debian fonts-wqy-microhei: 5 MB, TrueType
  'wqy-zenhei.ttc', // Debian fonts-wqy-zenhei: 16 MB, TrueType
  'DroidSansFallbackFull.ttf', // Debian fonts-droid-fallback
  'msyh.ttc', // Windows: Microsoft YaHei
  'simhei.ttf', // Windows: SimHei
  'NotoSansCJK-Regular.ttc', // Debian fonts-noto-cjk (CFF)
  'NotoSansCJKsc-Regular.otf',
  'NotoSansSC-Regular.otf',
  'SourceHanSansSC-Regular.otf',
  'PingFang.ttc',
];

const cjkProbe = [...'中文管控'].map((c) => c.codePointAt(0) ?? 0);

// ---------------------------------------------------------------------------------------------
// Reading sfnt files (TrueType / OpenType / collections)

type Reader = (offset: number, length: number) => Buffer;

const bufferReader =
  (buffer: Buffer): Reader =>
  (offset, length) => {
    if (offset < 0 || offset + length > buffer.length) throw new RangeError('font table out of bounds');
    return buffer.subarray(offset, offset + length);
  };

const fileReader =
  (fd: number): Reader =>
  (offset, length) => {
    const out = Buffer.alloc(length);
    const read = readSync(fd, out, 0, length, offset);
    if (read !== length) throw new RangeError('font table out of bounds');
    return out;
  };

type TableRecord = { offset: number; length: number };

/** The sfnt offsets of the faces in a file: one for .ttf/.otf, several for a .ttc collection. */
const faceOffsets = (read: Reader): number[] => {
  const header = read(0, 12);
  if (header.toString('latin1', 0, 4) !== 'ttcf') return [0];
  const count = header.readUInt32BE(8);
  const offsets = read(12, 4 * count);
  return Array.from({ length: count }, (_, i) => offsets.readUInt32BE(4 * i));
};

const tableDirectory = (read: Reader, faceOffset: number): Map<string, TableRecord> => {
  const header = read(faceOffset, 12);
  const version = header.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x4f54544f && version !== 0x74727565)
    throw new Error('not a TrueType or OpenType font');
  const count = header.readUInt16BE(4);
  const records = read(faceOffset + 12, 16 * count);
  const tables = new Map<string, TableRecord>();
  for (let i = 0; i < count; i++)
    tables.set(records.toString('latin1', 16 * i, 16 * i + 4), {
      offset: records.readUInt32BE(16 * i + 8),
      length: records.readUInt32BE(16 * i + 12),
    });
  return tables;
};

const readTable = (read: Reader, directory: Map<string, TableRecord>, tag: string): Buffer | undefined => {
  const record = directory.get(tag);
  return record ? read(record.offset, record.length) : undefined;
};

/** A `cmap` lookup (formats 4 and 12, the Unicode subtables): code point → glyph id, 0 if none. */
export const cmapLookup = (cmap: Buffer): ((codePoint: number) => number) => {
  const count = cmap.readUInt16BE(2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const platform = cmap.readUInt16BE(4 + 8 * i);
    const encoding = cmap.readUInt16BE(6 + 8 * i);
    const offset = cmap.readUInt32BE(8 + 8 * i);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode || offset >= cmap.length) continue;
    const format = cmap.readUInt16BE(offset);
    if (format === 12) format12 ??= offset;
    if (format === 4) format4 ??= offset;
  }
  if (format12 !== undefined) {
    const at = format12;
    const groups = cmap.readUInt32BE(at + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = at + 16 + 12 * mid;
        const start = cmap.readUInt32BE(g);
        const end = cmap.readUInt32BE(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return cmap.readUInt32BE(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 !== undefined) {
    const at = format4;
    const segX2 = cmap.readUInt16BE(at + 6);
    const ends = at + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segX2; s += 2) {
        if (cmap.readUInt16BE(ends + s) < cp) continue;
        const start = cmap.readUInt16BE(starts + s);
        if (start > cp) return 0;
        const delta = cmap.readUInt16BE(deltas + s);
        const rangeOffset = cmap.readUInt16BE(rangeOffsets + s);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = cmap.readUInt16BE(rangeOffsets + s + rangeOffset + 2 * (cp - start));
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  return () => 0;
};

/** The family name from a `name` table: typographic family (16) before family (1), English first. */
const familyName = (name: Buffer): string | undefined => {
  const count = name.readUInt16BE(2);
  const strings = name.readUInt16BE(4);
  const found: { id: number; rank: number; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    const r = 6 + 12 * i;
    const platform = name.readUInt16BE(r);
    const language = name.readUInt16BE(r + 4);
    const id = name.readUInt16BE(r + 6);
    if (id !== 1 && id !== 16) continue;
    const start = strings + name.readUInt16BE(r + 10);
    const bytes = name.subarray(start, start + name.readUInt16BE(r + 8));
    let text: string;
    if ((platform === 3 || platform === 0) && bytes.length % 2 === 0) {
      const swapped = Buffer.from(bytes);
      swapped.swap16();
      text = swapped.toString('utf16le');
    } else if (platform === 1) text = bytes.toString('latin1');
    else continue;
    const rank = platform === 3 && language === 0x0409 ? 0 : platform === 1 && language === 0 ? 1 : 2;
    found.push({ id, rank, text });
  }
  found.sort((a, b) => b.id - a.id || a.rank - b.rank);
  return found[0]?.text;
};

/** Reads a font file's face: its family, outline kind and whether it draws Chinese. */
export const loadChartFont = (file: string, faceIndex?: number): ChartFont | null => {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const read = fileReader(fd);
    const offsets = faceOffsets(read);
    const faces = offsets.map((offset, index) => {
      const directory = tableDirectory(read, offset);
      const name = readTable(read, directory, 'name');
      const cmap = readTable(read, directory, 'cmap');
      const lookup = cmap ? cmapLookup(cmap) : () => 0;
      const font: ChartFont = {
        file,
        faceIndex: index,
        family: (name && familyName(name)) ?? basename(file),
        outlines: directory.has('glyf') ? 'truetype' : 'cff',
        coversCjk: cjkProbe.every((cp) => lookup(cp) !== 0),
      };
      return font;
    });
    if (faceIndex !== undefined) return faces[faceIndex] ?? null;
    // In a collection of regional variants (Noto CJK: JP, KR, SC, TC, HK), take the Simplified one.
    return (
      faces.find((f) => f.coversCjk && /\b(SC|CN)\b|简|Simplified/.test(f.family)) ??
      faces.find((f) => f.coversCjk) ??
      faces[0] ??
      null
    );
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

const fontExtension = /\.(ttf|ttc|otf|otc)$/i;

const listFontFiles = (dirs: readonly string[], limit: number): string[] => {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6 || files.length >= limit) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return; // a folder that does not exist on this system
    }
    for (const entry of entries.sort()) {
      const path = join(dir, entry);
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDir) walk(path, depth + 1);
      else if (fontExtension.test(entry) && files.length < limit) files.push(path);
    }
  };
  for (const dir of dirs) walk(dir, 0);
  return files;
};

/**
 * Finds a font that draws Chinese: the known files first (best first), then any font file in
 * `dirs` whose character map covers 中文管控. Null when there is none.
 */
export const findCjkFont = ({
  dirs = defaultFontDirs(),
}: { dirs?: readonly string[] } = {}): ChartFont | null => {
  const files = listFontFiles(dirs, 5_000);
  const rank = (file: string) => {
    const i = preferredFiles.indexOf(basename(file));
    return i === -1 ? preferredFiles.length : i;
  };
  const known = files.filter((f) => rank(f) < preferredFiles.length).sort((a, b) => rank(a) - rank(b));
  for (const file of known) {
    const font = loadChartFont(file);
    if (font?.coversCjk) return font;
  }
  const others = files.filter((f) => rank(f) === preferredFiles.length);
  let bestCff: ChartFont | null = null;
  for (const file of others) {
    const font = loadChartFont(file);
    if (!font?.coversCjk) continue;
    if (font.outlines === 'truetype') return font;
    bestCff ??= font;
  }
  return bestCff;
};

// ---------------------------------------------------------------------------------------------
// Subsetting

/** Tables kept in a subset; the others (GSUB, GPOS, kern, vmtx, bitmaps …) refer to old glyph ids. */
const keptAsIs = ['OS/2', 'name', 'cvt ', 'fpgm', 'prep', 'gasp'];

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** Visits the component references of a composite glyph: (offset of the glyph index, glyph index). */
const forEachComponent = (glyph: Buffer, visit: (indexOffset: number, glyphId: number) => void) => {
  if (glyph.length < 10 || glyph.readInt16BE(0) >= 0) return;
  let at = 10;
  for (;;) {
    const flags = glyph.readUInt16BE(at);
    visit(at + 2, glyph.readUInt16BE(at + 2));
    at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) at += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
    if (!(flags & MORE_COMPONENTS)) return;
  }
};

const pad4 = (b: Buffer): Buffer =>
  b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);

const tableChecksum = (b: Buffer): number => {
  const padded = pad4(b);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
};

/** Writes an sfnt file (TrueType outlines) from its tables, with directory and checksums. */
const writeSfnt = (tables: Map<string, Buffer>): Buffer => {
  const tags = [...tables.keys()].sort();
  const count = tags.length;
  const power = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(count * 16 - power * 16, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tags.forEach((tag, i) => {
    const table = tables.get(tag) ?? Buffer.alloc(0);
    const r = 12 + 16 * i;
    header.write(tag, r, 'latin1');
    header.writeUInt32BE(tableChecksum(table), r + 4);
    header.writeUInt32BE(offset, r + 8);
    header.writeUInt32BE(table.length, r + 12);
    const padded = pad4(table);
    bodies.push(padded);
    offset += padded.length;
  });
  const file = Buffer.concat([header, ...bodies]);
  const headIndex = tags.indexOf('head');
  if (headIndex >= 0) {
    const headOffset = header.readUInt32BE(12 + 16 * headIndex + 8);
    file.writeUInt32BE((0xb1b0afba - tableChecksum(file)) >>> 0, headOffset + 8);
  }
  return file;
};

/** A face's tables, read whole from a font file (kept for the process by `subsetFont`'s cache). */
export type FontFace = { tables: Map<string, Buffer> };

export const readFontFace = (data: Buffer, faceIndex = 0): FontFace => {
  const read = bufferReader(data);
  const offset = faceOffsets(read)[faceIndex];
  if (offset === undefined) throw new RangeError(`no face ${faceIndex}`);
  const directory = tableDirectory(read, offset);
  const tables = new Map<string, Buffer>();
  for (const tag of directory.keys()) {
    const table = readTable(read, directory, tag);
    if (table) tables.set(tag, table);
  }
  return { tables };
};

/**
 * A TrueType font with only the glyphs for `codePoints` (plus .notdef and the components of
 * composite glyphs), renumbered, with a format-12 character map. Layout tables are dropped:
 * chart labels need no ligatures, and Latin kerning is a loss too small to see.
 */
export const subsetTrueType = (face: FontFace, codePoints: Iterable<number>): Buffer => {
  const table = (tag: string) => {
    const t = face.tables.get(tag);
    if (!t) throw new Error(`font has no ${tag} table`);
    return t;
  };
  const head = table('head');
  const hhea = table('hhea');
  const maxp = table('maxp');
  const hmtx = table('hmtx');
  const loca = table('loca');
  const glyf = table('glyf');
  const lookup = cmapLookup(table('cmap'));
  const glyphCount = maxp.readUInt16BE(4);
  const longLoca = head.readInt16BE(50) === 1;
  const glyphRange = (id: number): [number, number] =>
    longLoca
      ? [loca.readUInt32BE(4 * id), loca.readUInt32BE(4 * id + 4)]
      : [2 * loca.readUInt16BE(2 * id), 2 * loca.readUInt16BE(2 * id + 2)];
  const glyphData = (id: number) => {
    const [start, end] = glyphRange(id);
    return glyf.subarray(start, end);
  };

  const mapped = new Map<number, number>();
  for (const cp of codePoints) {
    const id = lookup(cp);
    if (id > 0 && id < glyphCount) mapped.set(cp, id);
  }
  const wanted = new Set<number>([0, ...mapped.values()]);
  const pending = [...wanted];
  while (pending.length) {
    const id = pending.pop() ?? 0;
    forEachComponent(glyphData(id), (_, component) => {
      if (component < glyphCount && !wanted.has(component)) {
        wanted.add(component);
        pending.push(component);
      }
    });
  }
  const oldIds = [...wanted].sort((a, b) => a - b);
  const newId = new Map(oldIds.map((old, i) => [old, i]));

  const metricsCount = hhea.readUInt16BE(34);
  const newHmtx = Buffer.alloc(4 * oldIds.length);
  const newLoca = Buffer.alloc(4 * (oldIds.length + 1));
  const glyphs: Buffer[] = [];
  let glyfLength = 0;
  oldIds.forEach((old, i) => {
    const advance = hmtx.readUInt16BE(4 * Math.min(old, metricsCount - 1));
    const lsb =
      old < metricsCount
        ? hmtx.readInt16BE(4 * old + 2)
        : hmtx.readInt16BE(4 * metricsCount + 2 * (old - metricsCount));
    newHmtx.writeUInt16BE(advance, 4 * i);
    newHmtx.writeInt16BE(lsb, 4 * i + 2);
    const glyph = Buffer.from(glyphData(old));
    forEachComponent(glyph, (at, component) => glyph.writeUInt16BE(newId.get(component) ?? 0, at));
    const padded = glyph.length % 2 ? Buffer.concat([glyph, Buffer.alloc(1)]) : glyph;
    newLoca.writeUInt32BE(glyfLength, 4 * i);
    glyphs.push(padded);
    glyfLength += padded.length;
  });
  newLoca.writeUInt32BE(glyfLength, 4 * oldIds.length);

  const newHead = Buffer.from(head);
  newHead.writeUInt32BE(0, 8); // checkSumAdjustment, set by writeSfnt
  newHead.writeInt16BE(1, 50); // long loca offsets
  const newHhea = Buffer.from(hhea);
  newHhea.writeUInt16BE(oldIds.length, 34);
  const newMaxp = Buffer.from(maxp);
  newMaxp.writeUInt16BE(oldIds.length, 4);
  const post = Buffer.alloc(32);
  face.tables.get('post')?.copy(post, 0, 0, 32);
  post.writeUInt32BE(0x00030000, 0); // version 3: no glyph names

  // Character map: one format-12 subtable, referenced as Unicode full (3,10) and (0,4).
  const pairs = [...mapped]
    .map(([cp, old]) => [cp, newId.get(old) ?? 0] as const)
    .sort((a, b) => a[0] - b[0]);
  const groups: [number, number, number][] = [];
  for (const [cp, id] of pairs) {
    const last = groups.at(-1);
    if (last && cp === last[1] + 1 && id === last[2] + (cp - last[0])) last[1] = cp;
    else groups.push([cp, cp, id]);
  }
  const subtable = Buffer.alloc(16 + 12 * groups.length);
  subtable.writeUInt16BE(12, 0);
  subtable.writeUInt32BE(subtable.length, 4);
  subtable.writeUInt32BE(groups.length, 12);
  groups.forEach(([start, end, id], i) => {
    subtable.writeUInt32BE(start, 16 + 12 * i);
    subtable.writeUInt32BE(end, 20 + 12 * i);
    subtable.writeUInt32BE(id, 24 + 12 * i);
  });
  const cmapHeader = Buffer.alloc(4 + 8 * 2);
  cmapHeader.writeUInt16BE(2, 2);
  cmapHeader.writeUInt16BE(0, 4);
  cmapHeader.writeUInt16BE(4, 6);
  cmapHeader.writeUInt32BE(cmapHeader.length, 8);
  cmapHeader.writeUInt16BE(3, 12);
  cmapHeader.writeUInt16BE(10, 14);
  cmapHeader.writeUInt32BE(cmapHeader.length, 16);

  const tables = new Map<string, Buffer>([
    ['head', newHead],
    ['hhea', newHhea],
    ['maxp', newMaxp],
    ['hmtx', newHmtx],
    ['loca', newLoca],
    ['glyf', Buffer.concat(glyphs)],
    ['cmap', Buffer.concat([cmapHeader, subtable])],
    ['post', post],
  ]);
  for (const tag of keptAsIs) {
    const kept = face.tables.get(tag);
    if (kept) tables.set(tag, kept);
  }
  return writeSfnt(tables);
};

const faceCache = new Map<string, FontFace>();

/** The face of `font`, read once per process (a 5–16 MB file). */
export const chartFontFace = (font: ChartFont): FontFace => {
  const key = `${font.file}#${font.faceIndex}`;
  let face = faceCache.get(key);
  if (!face) {
    face = readFontFace(readFileSync(font.file), font.faceIndex);
    faceCache.set(key, face);
  }
  return face;
};
