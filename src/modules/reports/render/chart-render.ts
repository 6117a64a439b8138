import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { DefaultLabelFormatterCallbackParams as LabelParams, EChartsOption } from 'echarts';
import type { ChartFont } from './cjk-font.js';
import { chartFontFace, findCjkFont, subsetTrueType } from './cjk-font.js';
import type { ChartSpec, ValueFormat } from './report-document.js';
import { ZChartSpec } from './report-document.js';
import { formatValue } from './value-format.js';

/*
 * ChartSpec → ECharts option → SVG (server-side rendering, no DOM) → PNG (resvg).
 * The SVG goes into HTML as is; the PNG, drawn at 2× for print, goes into Word. Chinese labels
 * need a CJK font for the PNG (see cjk-font.ts); without one the chart still renders, with the
 * Chinese text missing, `fontFallback: true` and one warning.
 */

/** A pino logger fits. */
export type RenderLog = { warn: (details: object, message: string) => void };

export type ChartRenderOptions = {
  spec: ChartSpec;
  /** The size in CSS pixels (the SVG's size; the PNG is `scale` times larger). Default 640 × 360. */
  width?: number;
  height?: number;
  /** PNG pixels per CSS pixel. Default 2: crisp when Word shows the image ~15 cm wide. */
  scale?: number;
  /** The font for Chinese labels; by default the best one found on this system (once per process). */
  font?: ChartFont | null;
};

export type RenderedChart = {
  svg: string;
  png: Buffer;
  /** Size in CSS pixels; the PNG is `width * scale` × `height * scale`. */
  width: number;
  height: number;
  /** True when no CJK font was available: Chinese text is missing from the PNG. */
  fontFallback: boolean;
};

export const defaultChartWidth = 640;
export const defaultChartHeight = 360;

/** Muted colours that stay distinct in greyscale print. */
const palette = ['#2f5597', '#c55a11', '#548235', '#bf9000', '#7030a0', '#1f7391', '#7f7f7f', '#843c0c'];
const alertColour = '#c00000';
const inkColour = '#333333';
const fontSize = 13;

type NumberFormat = Exclude<ValueFormat, 'text'> | undefined;

/** Axis ticks: like labels but without a needless ".0" (20% rather than 20.0%). */
const tickLabel = (value: number, format: NumberFormat): string =>
  formatValue(value, format).replace(/\.0(%?)$/, '$1');

const label = (value: unknown, format: NumberFormat): string =>
  typeof value === 'number' ? formatValue(value, format) : '';

/** Approximate width of a label in pixels: CJK characters are square, the rest about half. */
const textWidth = (text: string): number =>
  [...text].reduce((w, c) => w + ((c.codePointAt(0) ?? 0) > 0x2e80 ? fontSize : fontSize * 0.6), 0);

/** Category labels that fit; else wrapped under few bars; else slanted. */
const categoryLabels = (categories: readonly string[], plotWidth: number) => {
  const slot = plotWidth / categories.length;
  const widest = Math.max(...categories.map(textWidth));
  if (widest <= slot - 4) return { interval: 0, color: inkColour };
  if (categories.length <= 8 && slot >= 2 * fontSize)
    return {
      interval: 0,
      color: inkColour,
      width: slot - 4,
      overflow: 'break' as const,
      lineHeight: fontSize + 2,
    };
  return { interval: 0, color: inkColour, rotate: 40, width: 110, overflow: 'truncate' as const };
};

const roundFloat = (n: number) => Number(n.toPrecision(12));

/** The 1-2-5 step nearest `raw` (rates then tick at whole percents: 84%, 86% …). */
const niceStep = (raw: number): number => {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return roundFloat((f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * magnitude);
};

/**
 * Axis bounds that include the target line (ECharts leaves mark lines out of the extent, so a
 * target above every bar would not show), rounded to a nice step; bars keep 0 in view.
 */
export const axisBounds = (spec: ChartSpec): { min: number; max: number; interval: number } | undefined => {
  if (!spec.target) return undefined;
  const values = spec.kind === 'stackedBar' ? stackTotals(spec) : spec.series.flatMap((s) => s.values);
  const numbers = [...values.filter((v): v is number => v !== null), spec.target.value];
  if (spec.kind !== 'line') numbers.push(0);
  const lo = Math.min(...numbers);
  const hi = Math.max(...numbers);
  if (hi === lo) return undefined;
  const step = niceStep((hi - lo) / 5);
  // A line keeps half a step below its lowest point, so the target is not drawn on the axis.
  const floor = spec.kind === 'line' ? lo - step / 2 : lo;
  return {
    min: roundFloat(Math.floor(floor / step) * step),
    max: roundFloat(Math.ceil(hi / step) * step),
    interval: step,
  };
};

const stackTotals = (spec: ChartSpec): number[] =>
  spec.categories.map((_, i) => spec.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));

const valueAxis = (spec: ChartSpec, format: NumberFormat) => ({
  type: 'value' as const,
  ...axisBounds(spec),
  name: spec.unit ?? '',
  nameTextStyle: { color: inkColour, align: 'left' as const },
  axisLabel: { color: inkColour, formatter: (v: number) => tickLabel(v, format) },
  splitLine: { lineStyle: { type: 'dashed' as const, color: '#d9d9d9' } },
});

const targetLine = (spec: ChartSpec, format: NumberFormat) =>
  spec.target
    ? {
        silent: true,
        symbol: 'none',
        data: [{ yAxis: spec.target.value }],
        lineStyle: { type: 'dashed' as const, color: alertColour, width: 1.5 },
        // Right of the plot (the grid leaves room), so it never covers a bar or a point.
        label: {
          position: 'end' as const,
          color: alertColour,
          formatter: `${spec.target.label}\n${formatValue(spec.target.value, format)}`,
        },
      }
    : undefined;

/** Pareto: categories by value, descending, and the cumulative share of the total (0–1). */
export const paretoData = (spec: ChartSpec) => {
  const values = spec.series[0]?.values ?? [];
  const order = spec.categories
    .map((category, i) => ({ category, value: values[i] ?? 0 }))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const total = order.reduce((sum, item) => sum + (item.value ?? 0), 0);
  let running = 0;
  return order.map((item) => {
    running += item.value ?? 0;
    return { category: item.category, value: item.value ?? 0, cumulative: total > 0 ? running / total : 0 };
  });
};

/** Our chart description as ECharts options: one look for every report. */
export const buildChartOption = (spec: ChartSpec, width = defaultChartWidth): EChartsOption => {
  const format = spec.valueFormat;
  const base: EChartsOption = {
    animation: false,
    color: palette,
    textStyle: { fontFamily: 'sans-serif', fontSize, color: inkColour },
  };
  const withLegend = spec.series.length > 1 || spec.kind === 'pareto';
  const grid = {
    left: 12,
    right: spec.target ? 72 : spec.kind === 'pareto' ? 12 : 24,
    top: withLegend ? 48 : 32,
    bottom: 8,
    outerBoundsMode: 'same' as const,
    outerBoundsContain: 'axisLabel' as const,
  };
  const legend = withLegend ? { top: 0, textStyle: { color: inkColour } } : undefined;
  const plotWidth = width - 100;
  const showLabels = spec.categories.length * spec.series.length <= 24;

  switch (spec.kind) {
    case 'pie': {
      const values = spec.series[0]?.values ?? [];
      return {
        ...base,
        series: [
          {
            type: 'pie',
            name: spec.series[0]?.name,
            radius: '62%',
            center: ['50%', '54%'],
            label: {
              color: inkColour,
              formatter: (p: LabelParams) => `${p.name} ${formatValue((p.percent ?? 0) / 100, 'percent1')}`,
            },
            data: spec.categories.flatMap((name, i) => {
              const value = values[i];
              return typeof value === 'number' && value > 0 ? [{ name, value }] : [];
            }),
          },
        ],
      };
    }
    case 'pareto': {
      const data = paretoData(spec);
      const name = spec.series[0]?.name ?? '';
      return {
        ...base,
        legend,
        grid,
        xAxis: {
          type: 'category',
          data: data.map((d) => d.category),
          axisLabel: categoryLabels(
            data.map((d) => d.category),
            plotWidth - 40,
          ),
        },
        yAxis: [
          valueAxis(spec, format),
          {
            type: 'value',
            min: 0,
            max: 1,
            interval: 0.2,
            axisLabel: { color: inkColour, formatter: (v: number) => tickLabel(v, 'percent1') },
            splitLine: { show: false },
          },
        ],
        series: [
          {
            type: 'bar',
            name,
            barMaxWidth: 48,
            data: data.map((d) => d.value),
            label: {
              show: showLabels,
              position: 'top',
              formatter: (p: LabelParams) => label(p.value, format),
            },
          },
          {
            type: 'line',
            name: '累计占比',
            yAxisIndex: 1,
            symbol: 'circle',
            symbolSize: 6,
            color: alertColour,
            data: data.map((d) => d.cumulative),
            label: {
              show: showLabels,
              position: 'top',
              fontSize: fontSize - 2,
              formatter: (p: LabelParams) => label(p.value, 'percent1'),
            },
            markLine: {
              silent: true,
              symbol: 'none',
              data: [{ yAxis: 0.8 }],
              lineStyle: { type: 'dotted', color: '#7f7f7f' },
              label: { show: false }, // the right axis has its 80% tick on the line
            },
          },
        ],
      };
    }
    case 'bar':
    case 'stackedBar':
    case 'line': {
      const stacked = spec.kind === 'stackedBar';
      const mark = targetLine(spec, format);
      return {
        ...base,
        legend,
        grid,
        xAxis: {
          type: 'category',
          data: spec.categories,
          boundaryGap: spec.kind !== 'line',
          axisLabel: categoryLabels(spec.categories, plotWidth),
        },
        // A trend line zooms to its range (rates move within a few points); bars start at 0.
        yAxis: { ...valueAxis(spec, format), scale: spec.kind === 'line' },
        series: spec.series.map((series, i) =>
          spec.kind === 'line'
            ? {
                type: 'line' as const,
                name: series.name,
                data: series.values,
                symbol: 'circle',
                symbolSize: 6,
                connectNulls: false,
                // Labels of several lines collide; one line keeps its figures.
                label: {
                  show: showLabels && spec.series.length === 1,
                  position: 'top' as const,
                  formatter: (p: LabelParams) => label(p.value, format),
                },
                markLine: i === 0 ? mark : undefined,
              }
            : {
                type: 'bar' as const,
                name: series.name,
                data: series.values,
                stack: stacked ? 'total' : undefined,
                barMaxWidth: 48,
                label: {
                  show: showLabels,
                  position: stacked ? ('inside' as const) : ('top' as const),
                  color: stacked ? '#ffffff' : inkColour,
                  formatter: (p: LabelParams) => label(p.value, format),
                },
                markLine: i === 0 ? mark : undefined,
              },
        ),
      };
    }
  }
};

/** The chart as an SVG string: server-side ECharts, no DOM, no canvas. */
export const renderChartSvg = ({
  spec,
  width = defaultChartWidth,
  height = defaultChartHeight,
}: Omit<ChartRenderOptions, 'scale' | 'font'>): string => {
  const checked = ZChartSpec.parse(spec);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(buildChartOption(checked, width));
    return chart.renderToSVGString();
  } finally {
    chart.dispose(); // otherwise its timers keep the process alive
  }
};

let discovered: { font: ChartFont | null } | undefined;

/** The system's CJK font, looked for once per process. */
export const defaultChartFont = (): ChartFont | null => {
  discovered ??= { font: findCjkFont() };
  return discovered.font;
};

const defaultLog: RenderLog = {
  warn: (details, message) => process.emitWarning(`${message} ${JSON.stringify(details)}`),
};
const warned = new WeakSet<RenderLog>();

/** Every glyph a chart may draw: printable ASCII and each non-ASCII character of the SVG. */
const glyphsOf = (svg: string): Set<number> => {
  const codePoints = new Set<number>();
  for (let cp = 0x20; cp < 0x7f; cp++) codePoints.add(cp);
  for (const char of svg) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp >= 0x80) codePoints.add(cp);
  }
  return codePoints;
};

let subsetCounter = 0;

/** Rasterises with only the chart's glyphs in a temporary font file (see cjk-font.ts for why). */
const rasterise = (svg: string, scale: number, font: ChartFont | null): Buffer => {
  const fit = { mode: 'zoom' as const, value: scale };
  if (!font)
    return new Resvg(svg, { fitTo: fit, background: '#ffffff', font: { loadSystemFonts: true } })
      .render()
      .asPng();
  const families = {
    defaultFontFamily: font.family,
    sansSerifFamily: font.family,
    serifFamily: font.family,
    monospaceFamily: font.family,
  };
  let file = font.file;
  let temporary = false;
  if (font.outlines === 'truetype') {
    try {
      file = join(tmpdir(), `guankong-chart-font-${process.pid}-${threadId}-${++subsetCounter}.ttf`);
      writeFileSync(file, subsetTrueType(chartFontFace(font), glyphsOf(svg)));
      temporary = true;
    } catch {
      file = font.file; // a font the subsetter does not understand: slower, still right
    }
  }
  try {
    const resvg = new Resvg(svg, {
      fitTo: fit,
      background: '#ffffff',
      font: { loadSystemFonts: false, fontFiles: [file], ...families },
    });
    return resvg.render().asPng();
  } finally {
    if (temporary) unlinkSync(file);
  }
};

/**
 * Renders a chart to SVG and to a PNG at `scale`×. Without a CJK font the PNG lacks the Chinese
 * text: `fontFallback` says so and `log` gets one warning (per log).
 */
export const renderChart = (
  { spec, width = defaultChartWidth, height = defaultChartHeight, scale = 2, font }: ChartRenderOptions,
  { log = defaultLog }: { log?: RenderLog } = {},
): RenderedChart => {
  const svg = renderChartSvg({ spec, width, height });
  const chosen = font === undefined ? defaultChartFont() : font;
  const fontFallback = !chosen?.coversCjk;
  if (fontFallback && !warned.has(log)) {
    warned.add(log);
    log.warn(
      { font: chosen?.file ?? null, hint: 'install fonts-wqy-microhei (Debian) or another CJK font' },
      'no CJK font for chart images: Chinese labels will be missing from the PNG charts',
    );
  }
  return { svg, png: rasterise(svg, scale, chosen), width, height, fontFallback };
};
