import type { FileChild, IRunOptions, ParagraphChild } from 'docx';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import type { ChartFont } from './cjk-font.js';
import type { RenderLog } from './chart-render.js';
import { renderChart } from './chart-render.js';
import type { Block, ChartBlock, HeadingBlock, ReportDocument, Run, TableBlock } from './report-document.js';
import {
  captionLine,
  numberCaptions,
  numberHeadings,
  paragraphRuns,
  parseReportDocument,
} from './report-document.js';
import { columnAlign, columnWidths, formatDateTime, formatValue } from './value-format.js';

/*
 * ReportDocument → Word (.docx), laid out the way Chinese enterprises write analysis reports:
 * A4 portrait, Word's Chinese default margins (2.54 cm top/bottom, 3.17 cm left/right), title in
 * 宋体 bold, level-1 headings in 黑体, level-2 in 楷体, level-3 in bold 仿宋, body in 仿宋.
 *
 * Sizes: the official-document standard (GB/T 9704) sets body text in 三号 (16 pt). A monthly
 * analysis report carries dense tables and charts, so the body here is 四号 (14 pt): still easy
 * to read in 仿宋 (a thin face, which is why 小四 12 pt is not used for running text), with about
 * a third more per page. Tables use 五号 (10.5 pt), the size Chinese reports use for tables.
 *
 * Every run names its font for ascii, hAnsi and eastAsia (w:rFonts): Word and WPS pick the
 * East Asian font from w:eastAsia only, and would otherwise fall back to the theme font (等线).
 */

/** Font names by role; Windows and WPS ship all the defaults. */
export type DocxFonts = {
  title: string;
  subtitle: string;
  body: string;
  heading1: string;
  heading2: string;
  heading3: string;
  caption: string;
  table: string;
  pageNumber: string;
};

export const defaultDocxFonts: DocxFonts = {
  // 方正小标宋简体 is the official title face but is not installed everywhere; 宋体 always is.
  title: '宋体',
  subtitle: '楷体',
  body: '仿宋',
  heading1: '黑体',
  heading2: '楷体',
  heading3: '仿宋',
  caption: '黑体',
  table: '仿宋',
  pageNumber: '宋体',
};

/** Sizes in half-points, as Word stores them. */
const size = {
  title: 44, // 二号 22 pt
  subtitle: 32, // 三号 16 pt
  meta: 28, // 四号 14 pt
  body: 28, // 四号 14 pt
  heading1: 32, // 三号 16 pt
  heading2: 28, // 四号 14 pt
  heading3: 28, // 四号 14 pt
  caption: 21, // 五号 10.5 pt
  table: 21, // 五号 10.5 pt
  pageNumber: 24, // 小四 12 pt
};

/** A4 and margins in twips (1/1440 inch): 21 × 29.7 cm; 2.54 cm = 1440, 3.17 cm = 1797. */
export const pageLayout = { width: 11906, height: 16838, top: 1440, bottom: 1440, left: 1797, right: 1797 };
const textWidthTwips = pageLayout.width - pageLayout.left - pageLayout.right;
/** The text width in pixels at 96 dpi, as `ImageRun` sizes are given. */
const textWidthPx = Math.floor((textWidthTwips / 1440) * 96);

const alertColour = 'C00000';
const headerFill = 'D9E2F3';
const highlightFill = 'FBE4E4';
const borderColour = '808080';

export type DocxRenderOptions = {
  document: ReportDocument;
  fonts?: Partial<DocxFonts>;
  /** The zone `generatedAt` is shown in. Default Asia/Shanghai. */
  timeZone?: string;
  /** Font for Chinese chart labels; by default the one found on this system. */
  chartFont?: ChartFont | null;
  /** Document property "author". */
  creator?: string;
};

export type RenderedDocx = {
  buffer: Buffer;
  /** True when the charts were drawn without a CJK font (their Chinese labels are missing). */
  fontFallback: boolean;
};

const rFonts = (name: string) => ({ ascii: name, hAnsi: name, eastAsia: name, cs: name });

const lineSpacing = { line: 360, lineRule: LineRuleType.AUTO }; // 1.5 lines

/** Converts runs; highlighted figures are bold and red. */
const textRuns = (runs: readonly Run[], font: string, halfPoints: number, base: Partial<IRunOptions> = {}) =>
  runs.map(
    (run) =>
      new TextRun({
        ...base,
        text: run.text,
        font: rFonts(font),
        size: halfPoints,
        bold: run.bold || run.highlight || base.bold,
        color: run.highlight ? alertColour : base.color,
      }),
  );

const headingLevels = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const;

const headingParagraph = (block: HeadingBlock, label: string | null, fonts: DocxFonts) => {
  const font = block.level === 1 ? fonts.heading1 : block.level === 2 ? fonts.heading2 : fonts.heading3;
  const halfPoints = block.level === 1 ? size.heading1 : block.level === 2 ? size.heading2 : size.heading3;
  return new Paragraph({
    heading: headingLevels[block.level],
    keepNext: true,
    // Headings sit at the body's indent, as in official documents (一、 starts two characters in).
    indent: { firstLine: 2 * size.body * 10, firstLineChars: 200 },
    spacing: { ...lineSpacing, before: block.level === 1 ? 240 : 120, after: 60 },
    children: [
      new TextRun({
        text: `${label ?? ''}${block.text}`,
        font: rFonts(font),
        size: halfPoints,
        bold: block.level === 3,
      }),
    ],
  });
};

const bodyParagraph = (children: ParagraphChild[]) =>
  new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: 2 * size.body * 10, firstLineChars: 200 },
    spacing: lineSpacing,
    children,
  });

const captionParagraph = (text: string, fonts: DocxFonts, keepNext: boolean) =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    keepNext,
    spacing: { before: 120, after: 120 },
    children: [new TextRun({ text, font: rFonts(fonts.caption), size: size.caption })],
  });

const cellBorder = { style: BorderStyle.SINGLE, size: 4, color: borderColour };
const tableBorders = {
  top: cellBorder,
  bottom: cellBorder,
  left: cellBorder,
  right: cellBorder,
  insideHorizontal: cellBorder,
  insideVertical: cellBorder,
};

const alignment = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
} as const;

/** Twips per `displayWidth` unit in table text: half an em of 10.5 pt. */
const tableUnitTwips = (size.table / 2) * 10;
/** Room a cell needs besides its text: the left and right cell margins, and a little slack. */
const cellPaddingTwips = 2 * 80 + 60;

/**
 * Column widths (twips) that fill `available`: every column gets what its content needs when
 * that fits, spare room is shared out in proportion; when it does not fit, only the widest
 * columns are narrowed (their text wraps), so short figures and titles never break mid-word.
 */
export const fitColumns = (needs: readonly number[], available: number): number[] => {
  const total = needs.reduce((a, b) => a + b, 0);
  if (total <= available) return needs.map((n) => Math.floor((n / total) * available));
  // Water-filling: the cap at which the capped needs add up to the width available.
  let lo = 0;
  let hi = Math.max(...needs);
  for (let i = 0; i < 40; i++) {
    const cap = (lo + hi) / 2;
    if (needs.reduce((sum, n) => sum + Math.min(n, cap), 0) > available) hi = cap;
    else lo = cap;
  }
  return needs.map((n) => Math.floor(Math.min(n, lo)));
};

const tableBlock = (block: TableBlock): Table => {
  const needs = columnWidths(block).map((w) => w * tableUnitTwips + cellPaddingTwips);
  const twips = fitColumns(needs, textWidthTwips);
  const aligns = block.columns.map((column) => {
    const align = columnAlign(column, block.rows);
    return align === 'left' ? undefined : alignment[align];
  });
  const highlighted = new Set(block.highlightRows ?? []);
  // Cells carry as little as possible (font and size come from the table style): a 1,000-row
  // table is ~10,000 cells, and every option is a few more objects for the docx library to build.
  const cell = (text: string, i: number, options: { header?: boolean; highlight?: boolean }) =>
    new TableCell({
      // A fixed table takes its column widths from the grid and the first row; widths on every
      // cell would double the time the docx library needs for a 1,000-row table.
      width: options.header ? { size: twips[i] ?? 0, type: WidthType.DXA } : undefined,
      verticalAlign: options.header ? VerticalAlignTable.CENTER : undefined,
      shading: options.header
        ? { type: ShadingType.CLEAR, color: 'auto', fill: headerFill }
        : options.highlight
          ? { type: ShadingType.CLEAR, color: 'auto', fill: highlightFill }
          : undefined,
      children: [
        new Paragraph({
          style: tableStyleId,
          alignment: options.header ? AlignmentType.CENTER : aligns[i], // left is Word's default: no element
          children: [
            options.header
              ? new TextRun({ text, bold: true })
              : options.highlight
                ? new TextRun({ text, color: alertColour })
                : new TextRun(text),
          ],
        }),
      ],
    });
  const header = new TableRow({
    tableHeader: true, // repeated at the top of every page the table spans
    cantSplit: true,
    children: block.columns.map((column, i) => cell(column.title, i, { header: true })),
  });
  const rows = block.rows.map(
    (row, r) =>
      new TableRow({
        cantSplit: true,
        children: block.columns.map((column, i) =>
          cell(formatValue(row[column.key], column.format), i, { highlight: highlighted.has(r) }),
        ),
      }),
  );
  return new Table({
    // Fixed layout: Word need not measure 1,000 rows to open the file.
    layout: TableLayoutType.FIXED,
    width: { size: textWidthTwips, type: WidthType.DXA },
    columnWidths: twips,
    borders: tableBorders,
    margins: { left: 80, right: 80, top: 20, bottom: 20 },
    alignment: AlignmentType.CENTER,
    rows: [header, ...rows],
  });
};

const chartParagraph = (block: ChartBlock, png: Buffer, width: number, height: number, altText: string) => {
  const shownWidth = Math.min(textWidthPx, width);
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    keepNext: true,
    spacing: { before: 120 },
    children: [
      new ImageRun({
        type: 'png',
        data: png,
        transformation: { width: shownWidth, height: Math.round((shownWidth * height) / width) },
        altText: { name: altText, title: altText, description: block.caption ?? altText },
      }),
    ],
  });
};

/** The title block: title, subtitle, unit and period, time of the data. */
const frontMatter = (doc: ReportDocument, fonts: DocxFonts, timeZone: string): Paragraph[] => {
  const centred = (text: string, font: string, halfPoints: number, bold = false, after = 120) =>
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after },
      children: [new TextRun({ text, font: rFonts(font), size: halfPoints, bold })],
    });
  const out = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 240, line: 580, lineRule: LineRuleType.AT_LEAST },
      children: [new TextRun({ text: doc.title, font: rFonts(fonts.title), size: size.title, bold: true })],
    }),
  ];
  if (doc.subtitle) out.push(centred(doc.subtitle, fonts.subtitle, size.subtitle));
  const meta = [doc.unitName, doc.periodLabel].filter(Boolean).join('　');
  if (meta) out.push(centred(meta, fonts.subtitle, size.meta));
  out.push(
    centred(`生成时间：${formatDateTime(doc.generatedAt, timeZone)}`, fonts.body, size.caption, false, 360),
  );
  return out;
};

const pageNumberFooter = (fonts: DocxFonts) =>
  new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: rFonts(fonts.pageNumber),
            size: size.pageNumber,
          }),
        ],
      }),
    ],
  });

const bulletReference = 'report-bullets';
const tableStyleId = 'ReportTableText';

/** Renders the document to a .docx file in memory. Charts become PNG images drawn at 2×. */
export const renderDocx = async (
  {
    document,
    fonts: fontOverrides,
    timeZone = 'Asia/Shanghai',
    chartFont,
    creator = 'Guankong 管控',
  }: DocxRenderOptions,
  deps: { log?: RenderLog } = {},
): Promise<RenderedDocx> => {
  const doc = parseReportDocument(document);
  const fonts = { ...defaultDocxFonts, ...fontOverrides };
  const headingNumbers = numberHeadings(doc.blocks);
  const captionNumbers = numberCaptions(doc.blocks);
  let fontFallback = false;

  const blockChildren = (block: Block, i: number): FileChild[] => {
    switch (block.type) {
      case 'heading':
        return [headingParagraph(block, headingNumbers[i] ?? null, fonts)];
      case 'paragraph':
        return [bodyParagraph(textRuns(paragraphRuns(block), fonts.body, size.body))];
      case 'bullets':
        return block.items.map(
          (runs) =>
            new Paragraph({
              numbering: { reference: bulletReference, level: 0 },
              alignment: AlignmentType.JUSTIFIED,
              spacing: lineSpacing,
              children: textRuns(runs, fonts.body, size.body),
            }),
        );
      case 'table': {
        const caption = captionLine(captionNumbers[i] ?? null, block.caption);
        const table = tableBlock(block);
        // A paragraph after the table keeps two adjacent tables from merging into one.
        const after = new Paragraph({ spacing: { after: 120 }, children: [] });
        return caption ? [captionParagraph(caption, fonts, true), table, after] : [table, after];
      }
      case 'chart': {
        const chart = renderChart({ spec: block.spec, font: chartFont }, deps);
        fontFallback ||= chart.fontFallback;
        const caption = captionLine(captionNumbers[i] ?? null, block.caption);
        const image = chartParagraph(
          block,
          chart.png,
          chart.width,
          chart.height,
          caption ?? `chart ${i + 1}`,
        );
        return caption ? [image, captionParagraph(caption, fonts, false)] : [image];
      }
      case 'pageBreak':
        return [new Paragraph({ children: [new PageBreak()] })];
    }
  };

  const document_ = new Document({
    title: doc.title,
    subject: [doc.unitName, doc.periodLabel].filter(Boolean).join(' '),
    creator,
    description: doc.subtitle,
    styles: {
      default: {
        document: {
          run: { font: rFonts(fonts.body), size: size.body, language: { value: 'zh-CN', eastAsia: 'zh-CN' } },
          paragraph: { spacing: lineSpacing },
        },
        title: { run: { font: rFonts(fonts.title), size: size.title, bold: true, color: '000000' } },
        heading1: {
          run: { font: rFonts(fonts.heading1), size: size.heading1, bold: false, color: '000000' },
          paragraph: { outlineLevel: 0, keepNext: true },
        },
        heading2: {
          run: { font: rFonts(fonts.heading2), size: size.heading2, bold: false, color: '000000' },
          paragraph: { outlineLevel: 1, keepNext: true },
        },
        heading3: {
          run: { font: rFonts(fonts.heading3), size: size.heading3, bold: true, color: '000000' },
          paragraph: { outlineLevel: 2, keepNext: true },
        },
      },
      paragraphStyles: [
        {
          id: tableStyleId,
          name: 'Report Table Text',
          basedOn: 'Normal',
          quickFormat: true,
          run: { font: rFonts(fonts.table), size: size.table },
          paragraph: { spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 } },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: bulletReference,
          levels: [
            {
              level: 0,
              format: LevelFormat.BULLET,
              text: '●',
              alignment: AlignmentType.LEFT,
              style: {
                paragraph: { indent: { left: 840, hanging: 280 } },
                run: { font: rFonts(fonts.body), size: size.body - 8 },
              },
            },
          ],
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: pageLayout.width, height: pageLayout.height },
            margin: {
              top: pageLayout.top,
              bottom: pageLayout.bottom,
              left: pageLayout.left,
              right: pageLayout.right,
              header: 851,
              footer: 992,
            },
          },
        },
        footers: { default: pageNumberFooter(fonts) },
        children: [...frontMatter(doc, fonts, timeZone), ...doc.blocks.flatMap(blockChildren)],
      },
    ],
  });
  return { buffer: await Packer.toBuffer(document_), fontFallback };
};
