import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { ChartFont } from './cjk-font.js';
import { defaultFontDirs, findCjkFont, loadChartFont } from './cjk-font.js';
import {
  axisBounds,
  buildChartOption,
  defaultChartFont,
  paretoData,
  renderChart,
  renderChartSvg,
} from './chart-render.js';
import type { ChartSpec } from './report-document.js';
import { decodePng } from './sample-report.fixture.js';

const bar: ChartSpec = {
  kind: 'bar',
  categories: ['联系不上', '无需求', '转入异网'],
  series: [
    { name: '上月户数', values: [410, 300, 120] },
    { name: '本月户数', values: [455, 280, null] },
  ],
  unit: '户',
  valueFormat: 'integer',
};

const pareto: ChartSpec = {
  kind: 'pareto',
  categories: ['无需求', '联系不上', '转入异网', '其他'],
  series: [{ name: '拆机户数', values: [320, 680, 250, 199] }],
  valueFormat: 'integer',
};

/** The text content of every <text> element of an SVG, entities decoded. */
const svgTexts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );

/** A font on this system that cannot draw Chinese, to stand for a machine without a CJK font. */
const latinFont = ((): ChartFont | null => {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? `${e.name}/` : e.name,
      );
    } catch {
      return;
    }
    for (const entry of entries)
      if (entry.endsWith('/') && depth < 4) walk(join(dir, entry), depth + 1);
      else if (/\.ttf$/i.test(entry)) files.push(join(dir, entry));
  };
  defaultFontDirs().forEach((dir) => walk(dir, 0));
  for (const file of files.sort()) {
    const font = loadChartFont(file);
    if (font && !font.coversCjk && font.outlines === 'truetype') return font;
  }
  return null;
})();
const cjkFont = findCjkFont();

describe('buildChartOption', () => {
  it('sorts a pareto chart descending and adds the cumulative share on a second axis', () => {
    expect(paretoData(pareto).map((d) => [d.category, d.value])).toEqual([
      ['联系不上', 680],
      ['无需求', 320],
      ['转入异网', 250],
      ['其他', 199],
    ]);
    expect(paretoData(pareto).map((d) => Math.round(d.cumulative * 1000) / 1000)).toEqual([
      0.469, 0.69, 0.863, 1,
    ]);
    const option = buildChartOption(pareto) as {
      xAxis: { data: string[] };
      yAxis: { max?: number }[];
      series: { type: string; yAxisIndex?: number; data: number[] }[];
    };
    expect(option.xAxis.data[0]).toBe('联系不上');
    expect(option.yAxis[1]?.max).toBe(1);
    expect(option.series.map((s) => [s.type, s.yAxisIndex ?? 0])).toEqual([
      ['bar', 0],
      ['line', 1],
    ]);
    expect(option.series[1]?.data.at(-1)).toBe(1);
  });

  it('stacks a stackedBar chart and keeps a plain bar chart side by side', () => {
    const stacked = buildChartOption({ ...bar, kind: 'stackedBar' }) as { series: { stack?: string }[] };
    expect(stacked.series.map((s) => s.stack)).toEqual(['total', 'total']);
    const plain = buildChartOption(bar) as { series: { stack?: string }[] };
    expect(plain.series.map((s) => s.stack)).toEqual([undefined, undefined]);
  });

  it('stretches the value axis to a target line outside the data, keeping bars on zero', () => {
    expect(axisBounds({ ...bar, target: { label: '目标', value: 600 } })).toEqual({
      min: 0,
      max: 600,
      interval: 100,
    });
    const rates: ChartSpec = {
      kind: 'line',
      categories: ['1月', '2月'],
      series: [{ name: '回访率', values: [0.97, 1] }],
      target: { label: '目标', value: 0.85 },
    };
    const bounds = axisBounds(rates);
    expect(bounds?.min).toBeLessThan(0.85);
    expect(bounds?.min).toBeGreaterThan(0.5); // a trend line is not squashed against zero
    expect(bounds?.max).toBe(1);
    expect(axisBounds(bar)).toBeUndefined();
  });
});

describe('renderChartSvg', () => {
  it.each(['bar', 'line', 'stackedBar'] as const)(
    'draws a %s chart with its series names and category labels',
    (kind) => {
      const svg = renderChartSvg({ spec: { ...bar, kind } });
      expect(svg.startsWith('<svg')).toBe(true);
      const texts = svgTexts(svg);
      for (const label of ['上月户数', '本月户数', '联系不上', '无需求', '转入异网', '户'])
        expect(texts).toContain(label);
    },
  );

  it('labels pie slices with their share and pareto points with the running share', () => {
    const pie = svgTexts(renderChartSvg({ spec: { ...pareto, kind: 'pie' } }));
    expect(pie).toContain('联系不上 46.9%');
    const texts = svgTexts(renderChartSvg({ spec: pareto }));
    expect(texts).toEqual(expect.arrayContaining(['拆机户数', '累计占比', '680', '46.9%', '100.0%']));
  });

  it('escapes labels from the data', () => {
    const svg = renderChartSvg({
      spec: {
        kind: 'bar',
        categories: ['<script>x</script>', 'a&b'],
        series: [
          { name: '"q"', values: [1, 2] },
          { name: '<b>', values: [3, 4] },
        ],
      },
    });
    expect(svg).not.toMatch(/<script/i);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['<script>x</script>', 'a&b', '"q"', '<b>']));
    expect(svg).not.toContain('<b>');
  });

  it('refuses a spec the schema refuses', () => {
    expect(() => renderChartSvg({ spec: { ...bar, categories: ['a'] } })).toThrow();
  });
});

describe('renderChart', () => {
  it('draws a PNG at twice the SVG size by default, and at any size asked for', () => {
    const chart = renderChart({ spec: bar });
    expect(decodePng(chart.png)).toEqual({ width: 1280, height: 720 });
    expect(chart.svg).toContain('width="640" height="360"');
    expect(decodePng(renderChart({ spec: pareto, width: 500, height: 300, scale: 3 }).png)).toEqual({
      width: 1500,
      height: 900,
    });
  });

  // Two label sets of the same lengths: ECharts lays them out identically, so the two PNGs differ
  // only if the glyphs themselves are drawn. With a font lacking Chinese they come out the same
  // (missing glyphs or identical boxes), which shows the comparison can fail.
  const labelsA: ChartSpec = { ...bar, categories: ['联系不上', '无需求', '转入异网'] };
  const labelsB: ChartSpec = { ...bar, categories: ['号码空号', '已搬迁', '费用过高'] };

  it.skipIf(!cjkFont)(
    `draws Chinese glyphs in the PNG${cjkFont ? '' : ' (skipped: no CJK font; apt-get install fonts-wqy-microhei)'}`,
    () => {
      const a = renderChart({ spec: labelsA });
      const b = renderChart({ spec: labelsB });
      expect(a.fontFallback).toBe(false);
      expect(defaultChartFont()?.coversCjk).toBe(true);
      expect(a.png.equals(b.png)).toBe(false);
    },
  );

  it.skipIf(!latinFont)('cannot tell the label sets apart without a CJK font, and says so once', () => {
    const log = { warn: vi.fn() };
    const a = renderChart({ spec: labelsA, font: latinFont }, { log });
    const b = renderChart({ spec: labelsB, font: latinFont }, { log });
    expect(a.fontFallback).toBe(true);
    expect(a.png.equals(b.png)).toBe(true);
    expect(decodePng(a.png)).toEqual({ width: 1280, height: 720 });
    // Latin text is still drawn: a chart with other numbers differs.
    const c = renderChart(
      { spec: { ...labelsA, series: [{ name: '上月户数', values: [1, 2, 3] }] }, font: latinFont },
      { log },
    );
    expect(c.png.equals(a.png)).toBe(false);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('renders with system fonts when no CJK font is given, flagged as a fallback', () => {
    const log = { warn: vi.fn() };
    const chart = renderChart({ spec: pareto, font: null }, { log });
    expect(chart.fontFallback).toBe(true);
    expect(decodePng(chart.png).width).toBe(1280);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]?.[1]).toMatch(/CJK font/);
  });

  it('leaves no temporary font files behind', () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith(`guankong-chart-font-${process.pid}-`));
    renderChart({ spec: bar });
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith(`guankong-chart-font-${process.pid}-`));
    expect(after).toEqual(before);
  });
});
