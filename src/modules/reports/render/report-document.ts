import { z } from 'zod';

/*
 * The format-neutral model of an analysis report (分析报告). Templates and data binding build a
 * `ReportDocument`; the renderers in this folder turn it into .docx, HTML, Markdown and .xlsx.
 * The model says what a block is, never how it looks: fonts, sizes and colours belong to the
 * renderers, numbering (一、 （一） 1. and 表1 / 图1) is computed here once for all of them.
 *
 * Convention for figures: a `percent1` value is a fraction (0.123 is shown as 12.3%), so the
 * same number works as a label, a chart value and an Excel cell with the format 0.0%.
 */

/** How a number is shown. `percent1` takes a fraction: 0.123 → 12.3%. */
export const valueFormats = ['integer', 'decimal1', 'percent1', 'text'] as const;
export const ZValueFormat = z.enum(valueFormats);
export type ValueFormat = z.infer<typeof ZValueFormat>;

const ZText = z.string().min(1);

/** A piece of a paragraph. `highlight` marks a figure that crossed a threshold (shown red and bold). */
export const ZRun = z.object({
  text: z.string(),
  bold: z.boolean().optional(),
  highlight: z.boolean().optional(),
});
export type Run = z.infer<typeof ZRun>;

/** Plain text or runs; a paragraph or bullet item has at least one non-empty piece. */
const ZRuns = z.array(ZRun).min(1);

export const ZHeadingBlock = z.object({
  type: z.literal('heading'),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  text: ZText,
  /** `false` for a heading outside the numbering (导语, 附件); it does not move the counters. */
  numbered: z.boolean().optional(),
});
export type HeadingBlock = z.infer<typeof ZHeadingBlock>;

export const ZParagraphBlock = z
  .object({
    type: z.literal('paragraph'),
    text: z.string().optional(),
    runs: ZRuns.optional(),
  })
  .refine((p) => (p.text === undefined) !== (p.runs === undefined), {
    message: 'a paragraph has either text or runs',
  });
export type ParagraphBlock = z.infer<typeof ZParagraphBlock>;

export const ZBulletsBlock = z.object({
  type: z.literal('bullets'),
  items: z.array(ZRuns).min(1),
});
export type BulletsBlock = z.infer<typeof ZBulletsBlock>;

export const ZTableColumn = z.object({
  /** The row property this column shows. */
  key: z.string().min(1),
  title: ZText,
  /** Defaults: right for numeric formats, left for text. */
  align: z.enum(['left', 'center', 'right']).optional(),
  /** Defaults to `text` for strings and to a plain number for numbers. */
  format: ZValueFormat.optional(),
});
export type TableColumn = z.infer<typeof ZTableColumn>;

export const ZCellValue = z.union([z.string(), z.number(), z.null()]);
export type CellValue = z.infer<typeof ZCellValue>;

export const ZTableBlock = z
  .object({
    type: z.literal('table'),
    /** Shown above the table after its number: "表1 {caption}"; also the worksheet name in .xlsx. */
    caption: z.string().optional(),
    columns: z.array(ZTableColumn).min(1),
    rows: z.array(z.record(z.string(), ZCellValue)),
    /** Indexes into `rows` of the rows to mark (e.g. below target). */
    highlightRows: z.array(z.number().int().nonnegative()).optional(),
  })
  .superRefine((table, ctx) => {
    const keys = new Set<string>();
    table.columns.forEach((column, i) => {
      if (keys.has(column.key))
        ctx.addIssue({
          code: 'custom',
          path: ['columns', i, 'key'],
          message: `duplicate column ${column.key}`,
        });
      keys.add(column.key);
    });
    table.highlightRows?.forEach((row, i) => {
      if (row >= table.rows.length)
        ctx.addIssue({ code: 'custom', path: ['highlightRows', i], message: `no row ${row}` });
    });
  });
export type TableBlock = z.infer<typeof ZTableBlock>;

export const chartKinds = ['bar', 'line', 'pie', 'pareto', 'stackedBar'] as const;

/**
 * Our own small chart description, not ECharts options: the renderers decide the look, so the
 * data binding cannot produce a chart that prints badly. `pareto` sorts its one series
 * descending and adds the cumulative share on a second axis; `pie` and `pareto` take one series.
 */
export const ZChartSpec = z
  .object({
    kind: z.enum(chartKinds),
    categories: z.array(z.string()).min(1),
    series: z.array(z.object({ name: ZText, values: z.array(z.number().finite().nullable()) })).min(1),
    /** The unit of the values, shown as the axis name (户, 单, 小时). */
    unit: z.string().optional(),
    valueFormat: ZValueFormat.exclude(['text']).optional(),
    /** A reference line, e.g. the target rate: drawn dashed across bar and line charts. */
    target: z.object({ label: ZText, value: z.number().finite() }).optional(),
  })
  .superRefine((spec, ctx) => {
    spec.series.forEach((series, i) => {
      if (series.values.length !== spec.categories.length)
        ctx.addIssue({
          code: 'custom',
          path: ['series', i, 'values'],
          message: `${series.values.length} values for ${spec.categories.length} categories`,
        });
      if ((spec.kind === 'pie' || spec.kind === 'pareto') && series.values.some((v) => v !== null && v < 0))
        ctx.addIssue({ code: 'custom', path: ['series', i, 'values'], message: 'shares cannot be negative' });
    });
    if ((spec.kind === 'pie' || spec.kind === 'pareto') && spec.series.length !== 1)
      ctx.addIssue({ code: 'custom', path: ['series'], message: `a ${spec.kind} chart takes one series` });
    if (spec.target && (spec.kind === 'pie' || spec.kind === 'pareto'))
      ctx.addIssue({ code: 'custom', path: ['target'], message: `a ${spec.kind} chart has no target line` });
  });
export type ChartSpec = z.infer<typeof ZChartSpec>;
export type ChartKind = ChartSpec['kind'];

export const ZChartBlock = z.object({
  type: z.literal('chart'),
  /** Shown below the chart after its number: "图1 {caption}". */
  caption: z.string().optional(),
  spec: ZChartSpec,
});
export type ChartBlock = z.infer<typeof ZChartBlock>;

export const ZPageBreakBlock = z.object({ type: z.literal('pageBreak') });
export type PageBreakBlock = z.infer<typeof ZPageBreakBlock>;

export const ZBlock = z.discriminatedUnion('type', [
  ZHeadingBlock,
  ZParagraphBlock,
  ZBulletsBlock,
  ZTableBlock,
  ZChartBlock,
  ZPageBreakBlock,
]);
export type Block = z.infer<typeof ZBlock>;

export const ZReportDocument = z.object({
  title: ZText,
  subtitle: z.string().optional(),
  /** The reporting unit (单位), e.g. 某某分公司. */
  unitName: z.string().optional(),
  /** The period the report covers, as it should read: 2026年6月. */
  periodLabel: z.string().optional(),
  /** When the data was read; shown in the reader's time zone (renderers default to Asia/Shanghai). */
  generatedAt: z.iso.datetime({ offset: true }),
  blocks: z.array(ZBlock),
});
export type ReportDocument = z.infer<typeof ZReportDocument>;

/** Validates a document built by code; renderers call it so every format refuses the same input. */
export const parseReportDocument = (input: unknown): ReportDocument => ZReportDocument.parse(input);

/** The runs of a paragraph, whichever way it was written. */
export const paragraphRuns = (block: ParagraphBlock): Run[] => block.runs ?? [{ text: block.text ?? '' }];

const digits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五; the numerals of Chinese headings. */
export const chineseNumeral = (n: number): string => {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new RangeError(`no Chinese numeral for ${n}`);
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let out = hundreds ? `${digits[hundreds]}百` : '';
  if (tens) out += tens === 1 && !hundreds ? '十' : `${digits[tens]}十`;
  else if (hundreds && ones) out += '零';
  if (ones) out += digits[ones];
  return out;
};

/** The label of the `n`th heading (from 1) at `level` in official style: 一、 / （一） / 1. */
export const headingLabel = (level: HeadingBlock['level'], n: number): string =>
  level === 1 ? `${chineseNumeral(n)}、` : level === 2 ? `（${chineseNumeral(n)}）` : `${n}.`;

/**
 * The number each block shows before its heading text, aligned with `blocks`: "一、" for
 * level 1, "（一）" for level 2, "1." for level 3, each restarting under its parent; null for
 * other blocks and for headings with `numbered: false`.
 */
export const numberHeadings = (blocks: readonly Block[]): (string | null)[] => {
  const counters = [0, 0, 0];
  return blocks.map((block) => {
    if (block.type !== 'heading' || block.numbered === false) return null;
    const index = block.level - 1;
    counters[index] = (counters[index] ?? 0) + 1;
    for (let deeper = index + 1; deeper < counters.length; deeper++) counters[deeper] = 0;
    return headingLabel(block.level, counters[index] ?? 1);
  });
};

/**
 * The caption number of each block, aligned with `blocks`: "表1", "表2" … for captioned tables
 * and "图1" … for captioned charts, counted through the document; null for everything else.
 */
export const numberCaptions = (blocks: readonly Block[]): (string | null)[] => {
  let tables = 0;
  let charts = 0;
  return blocks.map((block) => {
    if (block.type === 'table' && block.caption) return `表${++tables}`;
    if (block.type === 'chart' && block.caption) return `图${++charts}`;
    return null;
  });
};

/** "表1 各网格情况" / "图2 原因构成": the caption line, or null for an uncaptioned block. */
export const captionLine = (label: string | null, caption: string | undefined): string | null =>
  label && caption ? `${label} ${caption}` : null;
