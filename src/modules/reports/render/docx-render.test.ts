import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitColumns, renderDocx } from './docx-render.js';
import { decodePng, hostileReport, sampleReport } from './sample-report.fixture.js';

let files: Record<string, Uint8Array>;
let documentXml: string;
let docx: Buffer;

beforeAll(async () => {
  docx = (await renderDocx({ document: sampleReport() })).buffer;
  files = unzipSync(docx);
  documentXml = strFromU8(files['word/document.xml'] ?? new Uint8Array());
});

const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());

const decode = (xml: string) =>
  xml
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The paragraphs' plain text, in order. */
const paragraphs = (xml: string) =>
  [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    decode([...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('')),
  );

/** The run whose text is `content`, with its properties. */
const runWith = (xml: string, content: string) =>
  [...xml.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)]
    .map((m) => m[1] ?? '')
    .find((r) => r.includes(`>${content}</w:t>`));

describe('fitColumns', () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('shares spare room in proportion when everything fits', () => {
    expect(fitColumns([100, 300], 800)).toEqual([200, 600]);
  });

  it('narrows only the widest columns when the content is too wide', () => {
    const widths = fitColumns([3000, 1000, 800, 800, 2500], 7000);
    expect(widths.slice(1, 4)).toEqual([1000, 800, 800]);
    expect(widths[0]).toBe(widths[4]);
    expect(widths[0]).toBeLessThan(2500);
    expect(sum(widths)).toBeLessThanOrEqual(7000);
    expect(sum(widths)).toBeGreaterThan(6990);
  });
});

describe('renderDocx', () => {
  it('writes the numbered headings in order', () => {
    const headings = paragraphs(documentXml).filter((p) => /^(一|二|三)、|^（[一二]）|^\d+\.\D/.test(p));
    expect(headings).toEqual([
      '一、欠费拆机存在的主要问题',
      '二、欠费拆机主要原因分析',
      '（一）宽带欠费拆机主要原因',
      '1.联系不上',
      '2.转入异网',
      '（二）移动欠费拆机主要原因',
      '三、分网格、分网格经理情况',
    ]);
    // Headings use Word's heading styles, so the navigation pane and a table of contents see them.
    expect(documentXml).toMatch(/<w:pStyle w:val="Heading1"\/>[\s\S]*?一、欠费拆机存在的主要问题/);
    expect(documentXml).toMatch(/<w:pStyle w:val="Heading3"\/>[\s\S]*?1\.联系不上/);
  });

  it('names the Chinese fonts for East Asian text', () => {
    const fonts = (content: string) => runWith(documentXml, content)?.match(/<w:rFonts [^>]*\/>/)?.[0] ?? '';
    expect(fonts('一、欠费拆机存在的主要问题')).toContain('w:eastAsia="黑体"');
    expect(fonts('一、欠费拆机存在的主要问题')).toContain('w:ascii="黑体"');
    expect(fonts('（一）宽带欠费拆机主要原因')).toContain('w:eastAsia="楷体"');
    expect(fonts('联系不上占 46.9%，其中号码非本人 12.1%、空号 8.3%。')).toContain('w:eastAsia="仿宋"');
    expect(fonts('某某分公司2026年6月欠费拆机管控分析报告')).toContain('w:eastAsia="宋体"');
    const styles = text('word/styles.xml');
    expect(styles).toMatch(/<w:docDefaults>[\s\S]*w:eastAsia="仿宋"[\s\S]*<\/w:docDefaults>/);
    // Table cells take their font from one paragraph style (10,000 cells need not repeat it).
    const tableStyle =
      styles.match(/<w:style [^>]*w:styleId="ReportTableText"[\s\S]*?<\/w:style>/)?.[0] ?? '';
    expect(tableStyle).toContain('w:eastAsia="仿宋"');
    expect(tableStyle).toContain('<w:sz w:val="21"/>');
    const cell = documentXml.match(/<w:tc>[\s\S]*?<\/w:tc>/)?.[0] ?? '';
    expect(cell).toContain('<w:pStyle w:val="ReportTableText"/>');
  });

  it('lays out A4 portrait with the Chinese default margins and page numbers in the footer', () => {
    expect(documentXml).toContain('<w:pgSz w:w="11906" w:h="16838"');
    expect(documentXml).toMatch(/<w:pgMar w:top="1440" w:right="1797" w:bottom="1440" w:left="1797"/);
    const footerRef = documentXml.match(/<w:footerReference w:type="default" r:id="(rId\d+)"/)?.[1];
    const rels = text('word/_rels/document.xml.rels');
    const footerFile = rels.match(new RegExp(`Id="${footerRef}"[^>]*Target="([^"]+)"`))?.[1];
    expect(footerFile).toMatch(/^footer\d+\.xml$/);
    expect(text(`word/${footerFile}`)).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
  });

  it('shows highlighted figures in bold red', () => {
    const run = runWith(documentXml, '20.6%') ?? '';
    expect(run).toContain('<w:b/>');
    expect(run).toContain('<w:color w:val="C00000"/>');
    expect(runWith(documentXml, '，低于目标 25.0%。')).not.toContain('C00000');
  });

  it('writes tables with a repeated bold shaded header, formatted right-aligned figures and the highlighted row', () => {
    const table = documentXml.match(/<w:tbl>[\s\S]*?<\/w:tbl>/)?.[0] ?? '';
    const rows = [...table.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('<w:tblHeader/>');
    expect(rows[0]).toContain('w:fill="D9E2F3"');
    expect(runWith(rows[0] ?? '', '派单数')).toContain('<w:b/>');
    expect(paragraphs(rows[3] ?? '')).toEqual([
      '开发区网格',
      '王强',
      '1,234',
      '1,234',
      '100.0%',
      '260',
      '21.1%',
    ]);
    expect(rows[3]).toMatch(/<w:jc w:val="right"\/>[\s\S]*?>1,234</);
    expect(rows[2]).toContain('w:fill="FBE4E4"');
    expect(paragraphs(rows[2] ?? '')).toEqual(['城西网格', '李娜', '95', '80', '84.2%', '9', '9.5%']);
    expect(rows[1]).not.toContain('FBE4E4');
    // The caption comes right before the table.
    const before = paragraphs(documentXml.slice(0, documentXml.indexOf('<w:tbl>')));
    expect(before.at(-1)).toBe('表1 分网格激活情况');
  });

  it('embeds each chart as a valid PNG with its caption below', () => {
    const rels = text('word/_rels/document.xml.rels');
    const images = [
      ...rels.matchAll(/<Relationship [^>]*Id="(rId\d+)"[^>]*Type="[^"]*\/image"[^>]*Target="([^"]+)"/g),
    ];
    const alt = [
      ...rels.matchAll(/<Relationship [^>]*Type="[^"]*\/image"[^>]*Target="([^"]+)"[^>]*Id="(rId\d+)"/g),
    ];
    const found = [
      ...images.map((m) => ({ id: m[1], target: m[2] })),
      ...alt.map((m) => ({ id: m[2], target: m[1] })),
    ];
    expect(found).toHaveLength(2);
    for (const { id, target } of found) {
      expect(documentXml).toContain(`r:embed="${id}"`);
      expect(target).toMatch(/^media\/[^/]+\.png$/);
      expect(decodePng(files[`word/${target}`] ?? new Uint8Array())).toEqual({ width: 1280, height: 720 });
    }
    expect(Object.keys(files).filter((f) => /^word\/media\/.+\.png$/.test(f))).toHaveLength(2);
    expect(text('[Content_Types].xml')).toMatch(/Extension="png"/);
    const all = paragraphs(documentXml);
    const caption = all.indexOf('图1 宽带欠费拆机原因构成');
    expect(caption).toBeGreaterThan(0);
    // The paragraph before the caption holds the picture.
    const drawing = documentXml.indexOf('<w:drawing>');
    expect(drawing).toBeGreaterThan(0);
    expect(drawing).toBeLessThan(documentXml.indexOf('图1 宽带欠费拆机原因构成'));
    expect(all).toContain('图2 移动欠费拆机原因与上月对比');
  });

  it('keeps markup from the data as text', async () => {
    const xml = strFromU8(
      unzipSync((await renderDocx({ document: hostileReport() })).buffer)['word/document.xml'] ??
        new Uint8Array(),
    );
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(paragraphs(xml)).toContain('=HYPERLINK("http://evil.example","点我")');
  });

  it('refuses an invalid document', async () => {
    const doc = sampleReport({
      blocks: [{ type: 'table', columns: [{ key: 'a', title: 'A' }], rows: [], highlightRows: [3] }],
    });
    await expect(renderDocx({ document: doc })).rejects.toThrow();
  });

  const soffice = ['soffice', 'libreoffice'].find((cmd) => spawnSync('which', [cmd]).status === 0);
  it.skipIf(!soffice)(
    `opens in LibreOffice with its headings and figures${soffice ? '' : ' (skipped: soffice not installed; Debian package libreoffice-writer-nogui)'}`,
    { timeout: 180_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'guankong-docx-'));
      try {
        writeFileSync(join(dir, 'report.docx'), docx);
        const convert = (to: string) =>
          execFileSync(
            soffice ?? 'soffice',
            [
              `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
              '--headless',
              '--convert-to',
              to,
              '--outdir',
              dir,
              join(dir, 'report.docx'),
            ],
            { stdio: 'pipe', timeout: 80_000 },
          );
        convert('txt:Text (encoded):UTF8');
        convert('pdf');
        const pdf = readFileSync(join(dir, 'report.pdf')).toString('latin1');
        // A4 is 595.3 × 841.9 points; the sample has a page break, so at least two pages.
        const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
        expect(boxes.length).toBeGreaterThanOrEqual(2);
        for (const box of boxes)
          expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([595, 842]);
        expect(pdf.match(/\/Subtype\s*\/Image/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
        const txt = readFileSync(join(dir, 'report.txt'), 'utf8');
        for (const line of [
          '一、欠费拆机存在的主要问题',
          '（一）宽带欠费拆机主要原因',
          '1.联系不上',
          '图1 宽带欠费拆机原因构成',
          '表1 分网格激活情况',
        ])
          expect(txt).toContain(line);
        expect(txt).toMatch(/开发区网格\s+王强\s+1,234/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
