import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChartFont } from './cjk-font.js';
import {
  chartFontFace,
  cmapLookup,
  findCjkFont,
  loadChartFont,
  readFontFace,
  subsetTrueType,
} from './cjk-font.js';

const installed = findCjkFont();
const noFont = 'no CJK font installed (Debian: apt-get install fonts-wqy-microhei)';
const work = mkdtempSync(join(tmpdir(), 'guankong-font-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const codePoints = (text: string) => [...text].map((c) => c.codePointAt(0) ?? 0);

/** Draws `text` with only `file` loaded and returns the RGBA pixels. */
const draw = (text: string, file: string, family: string) =>
  new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="40"><text x="4" y="28" style="font-size:20px;font-family:sans-serif">${text}</text></svg>`,
    {
      font: { loadSystemFonts: false, fontFiles: [file], defaultFontFamily: family, sansSerifFamily: family },
    },
  ).render().pixels;

const inked = (pixels: Buffer) => pixels.reduce((n, v, i) => n + (i % 4 === 3 && v > 0 ? 1 : 0), 0);

describe('findCjkFont', () => {
  it.skipIf(!installed)(
    `finds an installed font that draws Chinese${installed ? '' : ` (skipped: ${noFont})`}`,
    () => {
      expect(installed?.coversCjk).toBe(true);
      expect(installed?.family).toMatch(/\S/);
    },
  );

  it('returns null where there is no font at all', () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    writeFileSync(join(empty, 'broken.ttf'), 'not a font');
    expect(findCjkFont({ dirs: [empty, join(work, 'missing')] })).toBeNull();
  });

  it.skipIf(!installed)('finds a CJK font under an unknown name by its character map', () => {
    const dir = mkdtempSync(join(work, 'renamed-'));
    symlinkSync(installed?.file ?? '', join(dir, 'corporate-font.ttc'));
    const found = findCjkFont({ dirs: [dir] });
    expect(found?.file).toBe(join(dir, 'corporate-font.ttc'));
    expect(found?.coversCjk).toBe(true);
  });

  it('reads nothing from a file that is not a font', () => {
    const file = join(work, 'fake.otf');
    writeFileSync(file, Buffer.alloc(64));
    expect(loadChartFont(file)).toBeNull();
    expect(loadChartFont(join(work, 'absent.ttf'))).toBeNull();
  });
});

describe.skipIf(!installed || installed.outlines !== 'truetype')(
  `subsetTrueType${installed ? '' : ` (skipped: ${noFont})`}`,
  () => {
    const font = installed as ChartFont;
    const text = '宽带欠费拆机原因：联系不上 46.9%，转入异网 (Other) é';

    it('keeps only the glyphs asked for, renumbered, in a font resvg draws identically', () => {
      const subset = subsetTrueType(chartFontFace(font), codePoints(text));
      const file = join(work, 'subset.ttf');
      writeFileSync(file, subset);
      expect(subset.length).toBeLessThan(60_000);

      const face = readFontFace(subset);
      const lookup = cmapLookup(face.tables.get('cmap') ?? Buffer.alloc(0));
      const distinct = new Set(codePoints(text));
      const glyphs = face.tables.get('maxp')?.readUInt16BE(4) ?? 0;
      expect(glyphs).toBeGreaterThan(distinct.size - 2); // all mapped glyphs (a space may share .notdef in no font)
      expect(glyphs).toBeLessThan(distinct.size + 20); // .notdef and a few composite parts at most
      for (const cp of distinct) expect(lookup(cp)).toBeGreaterThan(0);
      expect(lookup('管'.codePointAt(0) ?? 0)).toBe(0);

      const reread = loadChartFont(file);
      expect(reread?.family).toBe(font.family);
      expect(reread?.outlines).toBe('truetype');

      const full = draw(text, font.file, font.family);
      expect(inked(full)).toBeGreaterThan(1000);
      expect(draw(text, file, font.family).equals(full)).toBe(true);
    });

    it('draws nothing it was not asked for', () => {
      const file = join(work, 'latin-only.ttf');
      writeFileSync(file, subsetTrueType(chartFontFace(font), codePoints('abc')));
      const pixels = draw('管控', file, font.family);
      expect(pixels.equals(draw('分析', file, font.family))).toBe(true); // both drawn as the same .notdef
      expect(pixels.equals(draw('管控', font.file, font.family))).toBe(false);
    });
  },
);
