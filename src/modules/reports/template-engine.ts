import { indicatorBlocksOf } from './indicator-blocks.js';
import type { Block, ChartSpec, Run, TableBlock } from './render/report-document.js';
import { parseReportDocument } from './render/report-document.js';
import type { ReportDocument } from './render/report-document.js';
import type { Condition, ReportTemplate, TemplateBlock, TextFormat } from './report-template.schema.js';

/*
 * Filling a report template (report-template.schema.ts) from a data context: placeholders become
 * figures, conditions pick the sentences, tables and charts take their rows from arrays in the
 * context. Pure: the same template and context give the same document. A placeholder whose path
 * leads nowhere is an error naming it (a template typo must not print "undefined" in a report).
 */

export type Context = Record<string, unknown>;

export class TemplateError extends Error {}

/** The value at a dotted path, or undefined. */
export const valueAt = (context: Context, path: string): unknown => {
  let value: unknown = context;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
};

const requiredAt = (context: Context, path: string): unknown => {
  const value = valueAt(context, path);
  if (value === undefined) throw new TemplateError(`no value at ${path}`);
  return value;
};

const arrayAt = (context: Context, path: string): unknown[] => {
  const value = valueAt(context, path);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TemplateError(`${path} is not a list`);
  return value;
};

const fixed = (x: number, digits: number) => x.toFixed(digits);

/** A value as text in a format; null and undefined-but-optional read as —. */
export const formatText = (value: unknown, format: TextFormat | undefined): string => {
  if (value === null || value === undefined) return '—';
  if (format === undefined) return typeof value === 'number' ? String(value) : String(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  switch (format) {
    case 'integer':
      return Math.round(value).toLocaleString('en-US');
    case 'decimal1':
      return fixed(value, 1);
    case 'percent1':
      return `${fixed(value * 100, 1)}%`;
    case 'ppChange': {
      const pp = Math.round(value * 1000) / 10;
      return pp === 0 ? '持平' : `${pp > 0 ? '上升' : '下降'} ${fixed(Math.abs(pp), 1)} 个百分点`;
    }
    case 'ppChangeEn': {
      const pp = Math.round(value * 1000) / 10;
      return pp === 0 ? 'unchanged' : `${pp > 0 ? 'up' : 'down'} ${fixed(Math.abs(pp), 1)} points`;
    }
    case 'signed':
      return value > 0 ? `+${Math.round(value)}` : value < 0 ? `−${Math.abs(Math.round(value))}` : '0';
  }
};

/** Fills `{path|format}` placeholders; `[[…]]` becomes a highlighted run. */
export const fillRuns = (template: string, context: Context): Run[] => {
  const fill = (text: string) =>
    text.replace(/\{([\w.]+)(?:\|(\w+))?\}/g, (_m, path: string, format: string | undefined) =>
      formatText(requiredAt(context, path), format as TextFormat | undefined),
    );
  const runs: Run[] = [];
  let at = 0;
  for (const match of template.matchAll(/\[\[(.+?)\]\]/g)) {
    if (match.index > at) runs.push({ text: fill(template.slice(at, match.index)) });
    runs.push({ text: fill(match[1]!), highlight: true });
    at = match.index + match[0].length;
  }
  if (at < template.length) runs.push({ text: fill(template.slice(at)) });
  return runs.filter((r) => r.text !== '');
};

const fillText = (template: string, context: Context) =>
  fillRuns(template, context)
    .map((r) => r.text)
    .join('');

/** Whether a condition holds in a context. Comparing with a missing or null value is false. */
export const holds = (condition: Condition | undefined, context: Context): boolean => {
  if (condition === undefined) return true;
  if ('all' in condition) return condition.all.every((c) => holds(c, context));
  if ('any' in condition) return condition.any.some((c) => holds(c, context));
  if ('not' in condition) return !holds(condition.not, context);
  if ('exists' in condition) {
    const value = valueAt(context, condition.exists);
    return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  }
  const left = valueAt(context, condition.left);
  const right =
    typeof condition.right === 'object' ? valueAt(context, condition.right.path) : condition.right;
  if (left === undefined || left === null || right === undefined || right === null) return false;
  switch (condition.op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') return false;
      if (condition.op === '<') return left < right;
      if (condition.op === '<=') return left <= right;
      if (condition.op === '>') return left > right;
      return left >= right;
    }
  }
};

const withItem = (context: Context, item: unknown, index: number): Context => ({ ...context, item, index });

const tableOf = (block: Extract<TemplateBlock, { type: 'table' }>, context: Context): TableBlock => {
  let rows = arrayAt(context, block.rows);
  if (block.sortBy) {
    const { value, order } = block.sortBy;
    const sign = order === 'asc' ? 1 : -1;
    rows = [...rows].sort((a, b) => {
      const x = valueAt(withItem(context, a, 0), value);
      const y = valueAt(withItem(context, b, 0), value);
      if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
      return sign * String(x ?? '').localeCompare(String(y ?? ''), 'zh-CN');
    });
  }
  if (block.limit) rows = rows.slice(0, block.limit);
  const highlightRows: number[] = [];
  const cells = rows.map((row, index) => {
    const scope = withItem(context, row, index);
    if (block.highlightWhen && holds(block.highlightWhen, scope)) highlightRows.push(index);
    return Object.fromEntries(
      block.columns.map((c, i) => {
        const value = valueAt(scope, c.value);
        return [`c${i}`, typeof value === 'number' || typeof value === 'string' ? value : null];
      }),
    );
  });
  return {
    type: 'table',
    caption: fillText(block.caption, context),
    columns: block.columns.map((c, i) => ({
      key: `c${i}`,
      title: c.title,
      ...(c.format ? { format: c.format } : {}),
    })),
    rows: cells,
    ...(highlightRows.length > 0 ? { highlightRows } : {}),
  };
};

const chartOf = (block: Extract<TemplateBlock, { type: 'chart' }>, context: Context): Block | null => {
  const items = arrayAt(context, block.source);
  if (items.length === 0) return null;
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const spec: ChartSpec = {
    kind: block.kind,
    categories: items.map((item, i) => String(valueAt(withItem(context, item, i), block.category) ?? '')),
    series: block.series.map((s) => ({
      name: fillText(s.name, context),
      values: items.map((item, i) => number(valueAt(withItem(context, item, i), s.value))),
    })),
    ...(block.unit ? { unit: block.unit } : {}),
    ...(block.valueFormat ? { valueFormat: block.valueFormat } : {}),
  };
  const target = block.target ? number(valueAt(context, block.target.value)) : null;
  if (block.target && target !== null)
    spec.target = { label: fillText(block.target.label, context), value: target };
  return { type: 'chart', caption: fillText(block.caption, context), spec };
};

const blocksOf = (blocks: readonly TemplateBlock[], context: Context): Block[] =>
  blocks.flatMap((block): Block[] => {
    if (!holds(block.when, context)) return [];
    switch (block.type) {
      case 'heading':
        return [
          {
            type: 'heading',
            level: block.level,
            text: fillText(block.text, context),
            ...(block.numbered === false ? { numbered: false } : {}),
          },
        ];
      case 'paragraph': {
        const runs = fillRuns(block.text, context);
        return runs.length === 0 ? [] : [{ type: 'paragraph', runs }];
      }
      case 'bullets': {
        const items: Run[][] = [];
        for (const item of block.items ?? [])
          if (holds(item.when, context)) items.push(fillRuns(item.text, context));
        if (block.each) {
          let n = 0;
          for (const [index, element] of arrayAt(context, block.each.over).entries()) {
            const scope = withItem(context, element, index);
            if (!holds(block.each.itemWhen, scope)) continue;
            if (block.each.limit !== undefined && n >= block.each.limit) break;
            items.push(fillRuns(block.each.text, scope));
            n++;
          }
        }
        const kept = items.filter((runs) => runs.length > 0);
        if (kept.length > 0) return [{ type: 'bullets', items: kept }];
        return block.empty ? [{ type: 'paragraph', runs: fillRuns(block.empty, context) }] : [];
      }
      case 'table':
        return [tableOf(block, context)];
      case 'chart': {
        const chart = chartOf(block, context);
        return chart ? [chart] : [];
      }
      case 'indicatorTable':
      case 'indicatorChart': {
        const filled = indicatorBlocksOf(block, context, (text) => fillText(text, context));
        if (!filled) throw new TemplateError(`no values read for indicator ${block.indicator}`);
        return filled;
      }
      case 'each':
        return arrayAt(context, block.over).flatMap((element, index) =>
          blocksOf(block.blocks, withItem(context, element, index)),
        );
      case 'pageBreak':
        return [{ type: 'pageBreak' }];
    }
  });

/** The document a template and a context give: title, blocks, checked by the renderers' schema. */
export const fillTemplate = ({
  template,
  context,
  generatedAt,
  unitName,
  periodLabel,
}: {
  template: ReportTemplate;
  context: Context;
  generatedAt: string;
  unitName?: string | undefined;
  periodLabel?: string | undefined;
}): ReportDocument => {
  const scope = {
    ...context,
    params: { ...template.params, ...((context.params as object | undefined) ?? {}) },
  };
  return parseReportDocument({
    title: fillText(template.title, scope),
    ...(template.subtitle ? { subtitle: fillText(template.subtitle, scope) } : {}),
    ...(unitName ? { unitName } : {}),
    ...(periodLabel ? { periodLabel } : {}),
    generatedAt,
    blocks: blocksOf(template.blocks, scope),
  });
};
