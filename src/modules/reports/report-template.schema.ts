import { z } from 'zod';
import { chartKinds, ZValueFormat } from './render/report-document.js';

/*
 * A report template (报告模板) as data: the sections, sentences, tables and charts of an analysis
 * report, with placeholders filled from the figures of a period and conditions that decide which
 * sentences appear ("if the reactivation rate is below target, say so"). Templates are JSON,
 * validated here; the engine (template-engine.ts) turns one and a data context into a
 * ReportDocument for the renderers. Nothing in a template is code.
 *
 * Text: `{path}` or `{path|format}` is replaced by the value at `path` in the context (dots:
 * `current.total.reactivationRate`); formats are those of `textFormats`. `[[ … ]]` marks a run to
 * highlight (a figure that crossed a threshold). Inside `each`, `rows` and `items`, the current
 * element is `item` (and its 0-based position `index`).
 */

export const textFormats = [
  'integer',
  'decimal1',
  'percent1',
  /** A change in percentage points, in words: 上升 3.0 个百分点 / 下降 … / 持平. */
  'ppChange',
  /** A change in percentage points in English words: up 3.0 points / down … / unchanged. */
  'ppChangeEn',
  /** A signed count: +12 / −3 / 0. */
  'signed',
] as const;
export type TextFormat = (typeof textFormats)[number];

const ZPath = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][\w]*(\.[\w]+)*$/, 'a dotted path such as current.total.targets');
const ZTextTemplate = z.string().min(1).max(2000);

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { exists: string }
  | { left: string; op: '<' | '<=' | '>' | '>=' | '==' | '!='; right: number | string | { path: string } };

export const ZCondition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ZCondition).min(1) }),
    z.strictObject({ any: z.array(ZCondition).min(1) }),
    z.strictObject({ not: ZCondition }),
    z.strictObject({ exists: ZPath }),
    z.strictObject({
      left: ZPath,
      op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
      right: z.union([z.number(), z.string(), z.strictObject({ path: ZPath })]),
    }),
  ]),
);

const when = { when: ZCondition.optional() };

export type TemplateBlock =
  | { type: 'heading'; level: 1 | 2 | 3; text: string; numbered?: boolean; when?: Condition }
  | { type: 'paragraph'; text: string; when?: Condition }
  | {
      type: 'bullets';
      /** Fixed items, each with its own condition … */
      items?: Array<{ text: string; when?: Condition }>;
      /** … and/or one item per element of an array (`item` in scope), filtered by `itemWhen`. */
      each?: { over: string; text: string; itemWhen?: Condition; limit?: number };
      /** Said when no item holds; without it the block disappears. */
      empty?: string;
      when?: Condition;
    }
  | {
      type: 'table';
      caption: string;
      rows: string;
      columns: Array<{ value: string; title: string; format?: z.infer<typeof ZValueFormat> }>;
      sortBy?: { value: string; order: 'asc' | 'desc' };
      limit?: number;
      highlightWhen?: Condition;
      when?: Condition;
    }
  | {
      type: 'chart';
      caption: string;
      kind: (typeof chartKinds)[number];
      source: string;
      category: string;
      series: Array<{ name: string; value: string }>;
      unit?: string;
      valueFormat?: 'integer' | 'decimal1' | 'percent1';
      target?: { label: string; value: string };
      when?: Condition;
    }
  | {
      /**
       * An indicator's values (指标表) for the report's unit: a row per unit, a column per period
       * (the `periods` of the indicator's grain ending with the report's month), then the target and
       * the status of the last period. Filled from the indicators module (indicator-blocks.ts).
       */
      type: 'indicatorTable';
      indicator: string;
      /** The report's unit itself, the units right under it (default) or its whole subtree. */
      units?: IndicatorBlockUnits;
      /** Default 1: the report's month. */
      periods?: number;
      /** Default: the indicator's name, the unit and the periods. */
      caption?: string;
      when?: Condition;
    }
  | {
      /** An indicator's values as a chart: a line per unit over the periods, or a bar per unit for one period. */
      type: 'indicatorChart';
      indicator: string;
      /** Default `unit`: the report's unit alone. */
      units?: IndicatorBlockUnits;
      /** Default 12. */
      periods?: number;
      /** Default: line over several periods, bar for one. */
      kind?: 'line' | 'bar';
      caption?: string;
      when?: Condition;
    }
  | { type: 'each'; over: string; blocks: TemplateBlock[]; when?: Condition }
  | { type: 'pageBreak'; when?: Condition };

export const indicatorBlockUnits = ['unit', 'children', 'subtree'] as const;
export type IndicatorBlockUnits = (typeof indicatorBlockUnits)[number];

const indicatorBlockFields = {
  indicator: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'an indicator key')
    .max(64),
  units: z.enum(indicatorBlockUnits).optional(),
  periods: z.number().int().min(1).max(36).optional(),
  caption: ZTextTemplate.optional(),
  ...when,
};

export const ZTemplateBlock: z.ZodType<TemplateBlock> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('heading'),
      level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
      text: ZTextTemplate,
      numbered: z.boolean().optional(),
      ...when,
    }),
    z.strictObject({ type: z.literal('paragraph'), text: ZTextTemplate, ...when }),
    z
      .strictObject({
        type: z.literal('bullets'),
        items: z.array(z.strictObject({ text: ZTextTemplate, ...when })).optional(),
        each: z
          .strictObject({
            over: ZPath,
            text: ZTextTemplate,
            itemWhen: ZCondition.optional(),
            limit: z.number().int().positive().optional(),
          })
          .optional(),
        empty: ZTextTemplate.optional(),
        ...when,
      })
      .refine((b) => b.items !== undefined || b.each !== undefined, 'bullets need items or each'),
    z.strictObject({
      type: z.literal('table'),
      caption: ZTextTemplate,
      rows: ZPath,
      columns: z
        .array(z.strictObject({ value: ZPath, title: z.string().min(1), format: ZValueFormat.optional() }))
        .min(1),
      sortBy: z.strictObject({ value: ZPath, order: z.enum(['asc', 'desc']) }).optional(),
      limit: z.number().int().positive().optional(),
      highlightWhen: ZCondition.optional(),
      ...when,
    }),
    z.strictObject({
      type: z.literal('chart'),
      caption: ZTextTemplate,
      kind: z.enum(chartKinds),
      source: ZPath,
      category: ZPath,
      series: z.array(z.strictObject({ name: z.string().min(1), value: ZPath })).min(1),
      unit: z.string().optional(),
      valueFormat: z.enum(['integer', 'decimal1', 'percent1']).optional(),
      target: z.strictObject({ label: z.string().min(1), value: ZPath }).optional(),
      ...when,
    }),
    z.strictObject({ type: z.literal('indicatorTable'), ...indicatorBlockFields }),
    z.strictObject({
      type: z.literal('indicatorChart'),
      ...indicatorBlockFields,
      kind: z.enum(['line', 'bar']).optional(),
    }),
    z.strictObject({ type: z.literal('each'), over: ZPath, blocks: z.array(ZTemplateBlock).min(1), ...when }),
    z.strictObject({ type: z.literal('pageBreak'), ...when }),
  ]),
);

export const ZReportTemplate = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** The figures the template reads: the context the report service builds for it. */
  source: z.enum(['campaigns', 'cases']),
  title: ZTextTemplate,
  subtitle: ZTextTemplate.optional(),
  /** Thresholds and targets the sentences compare with (e.g. the reactivation target), by name: `params.<name>`. */
  params: z.record(z.string(), z.number()).default({}),
  blocks: z.array(ZTemplateBlock).min(1),
});
export type ReportTemplate = z.infer<typeof ZReportTemplate>;
export type ReportTemplateInput = z.input<typeof ZReportTemplate>;
