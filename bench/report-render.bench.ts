// `npx tsx bench/report-render.bench.ts`: renders a document shaped like the telecom arrears
// monthly report at the size of a large branch (8 charts, a 200-row per-grid table, a 1,000-row
// per-manager table, ~30 paragraphs) to every format, and prints the time per format.
// Target: the whole report (data + rendering) in ≤ 5 s, so rendering should stay well under 2 s.
// Baselines in the same run: the same .docx without its charts, ECharts' SVG rendering alone,
// and one chart rasterised with the whole CJK font file instead of a per-chart subset.
import { unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { defaultChartFont, renderChart, renderChartSvg } from '../src/modules/reports/render/chart-render.js';
import { chartFontFace, subsetTrueType } from '../src/modules/reports/render/cjk-font.js';
import { renderDocx } from '../src/modules/reports/render/docx-render.js';
import { renderHtml } from '../src/modules/reports/render/html-render.js';
import { renderMarkdown } from '../src/modules/reports/render/markdown-render.js';
import type { Block, ChartSpec, ReportDocument } from '../src/modules/reports/render/report-document.js';
import { renderXlsx } from '../src/modules/reports/render/xlsx-render.js';

const runs = Number(process.env.REPORT_BENCH_RUNS ?? 5);

// A deterministic generator, so that every run measures the same document.
let seed = 20260701;
const random = () => {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const reasons = ['联系不上', '无需求', '转入异网', '搬迁', '费用', '网速', '停机保号', '其他'];
const surnames = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];
const givenNames = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰'];
const months = ['1月', '2月', '3月', '4月', '5月', '6月'];

const grids = Array.from({ length: 200 }, (_, i) => {
  const dispatched = 20 + Math.floor(random() * 200);
  const feedback = Math.floor(dispatched * (0.7 + random() * 0.3));
  const reached = Math.floor(feedback * (0.4 + random() * 0.4));
  const activated = Math.floor(reached * random() * 0.6);
  return {
    grid: `第${i + 1}网格（${pick(['城区', '城郊', '农村', '开发区'])}）`,
    manager: `${pick(surnames)}${pick(givenNames)}`,
    dispatched,
    feedback,
    feedbackRate: feedback / dispatched,
    reached,
    activated,
    rate: activated / dispatched,
    reason: pick(reasons),
  };
});
const managers = Array.from({ length: 1_000 }, (_, i) => {
  const dispatched = 5 + Math.floor(random() * 60);
  const feedback = Math.floor(dispatched * (0.6 + random() * 0.4));
  const activated = Math.floor(feedback * random() * 0.5);
  return {
    manager: `${pick(surnames)}${pick(givenNames)}${i}`,
    grid: `第${1 + (i % 200)}网格`,
    dispatched,
    feedback,
    feedbackRate: feedback / dispatched,
    other: random() * 0.5,
    activated,
    rate: activated / dispatched,
  };
});

const reasonChart = (name: string): ChartSpec => ({
  kind: 'pareto',
  categories: reasons,
  series: [{ name, values: reasons.map(() => 20 + Math.floor(random() * 400)) }],
  unit: '户',
  valueFormat: 'integer',
});
const comparisonChart = (): ChartSpec => ({
  kind: 'bar',
  categories: reasons.slice(0, 6),
  series: ['上月', '本月'].map((name) => ({
    name,
    values: reasons.slice(0, 6).map(() => Math.floor(random() * 300)),
  })),
  unit: '户',
  valueFormat: 'integer',
});
const charts: { caption: string; spec: ChartSpec }[] = [
  { caption: '宽带欠费拆机原因构成', spec: reasonChart('宽带拆机户数') },
  { caption: '宽带欠费拆机原因与上月对比', spec: comparisonChart() },
  { caption: '移动欠费拆机原因构成', spec: reasonChart('移动拆机户数') },
  { caption: '移动欠费拆机原因与上月对比', spec: comparisonChart() },
  {
    caption: '联系不上细分',
    spec: {
      kind: 'pie',
      categories: ['号码非本人', '空号', '停机', '无人接听'],
      series: [{ name: '户数', values: [120, 80, 60, 200] }],
    },
  },
  {
    caption: '近6个月欠拆激活率',
    spec: {
      kind: 'line',
      categories: months,
      series: [
        { name: '宽带', values: months.map(() => 0.15 + random() * 0.1) },
        { name: '移动', values: months.map(() => 0.12 + random() * 0.1) },
      ],
      valueFormat: 'percent1',
      target: { label: '目标', value: 0.25 },
    },
  },
  {
    caption: '激活率最低的15个网格',
    spec: {
      kind: 'bar',
      categories: grids.slice(0, 15).map((g) => g.grid),
      series: [{ name: '激活率', values: grids.slice(0, 15).map((g) => g.rate) }],
      valueFormat: 'percent1',
      target: { label: '目标', value: 0.25 },
    },
  },
  {
    caption: '各区域派单与激活',
    spec: {
      kind: 'stackedBar',
      categories: ['城区', '城郊', '农村', '开发区'],
      series: [
        { name: '已激活', values: [120, 80, 40, 60] },
        { name: '未激活', values: [480, 300, 260, 220] },
      ],
      unit: '户',
      valueFormat: 'integer',
    },
  },
];

const paragraph = (i: number): Block => ({
  type: 'paragraph',
  runs: [
    {
      text: `第${i}段：本月宽带欠费拆机 ${grids.length * 7} 户，派单后已反馈 ${grids.length * 6} 户，欠拆激活率 `,
    },
    { text: `${(15 + i / 10).toFixed(1)}%`, highlight: i % 3 === 0 },
    {
      text: '，较上月下降 1.2 个百分点。联系不上的用户占比最高，需安排上门激活，上门前先查清所欠费用和所办套餐。',
    },
  ],
});

const blocks: Block[] = [paragraph(0)];
const section = (title: string, level: 1 | 2, body: Block[]) =>
  blocks.push({ type: 'heading', level, text: title }, ...body);
section('欠费拆机存在的主要问题', 1, [
  paragraph(1),
  {
    type: 'bullets',
    items: Array.from({ length: 6 }, (_, i) => [{ text: `问题${i + 1}：网格经理反馈不完整。` }]),
  },
  paragraph(2),
]);
section('欠费拆机主要原因分析', 1, [paragraph(3)]);
charts.forEach((chart, i) => {
  if (i === 0) blocks.push({ type: 'heading', level: 2, text: '宽带欠费拆机主要原因' });
  if (i === 2) blocks.push({ type: 'heading', level: 2, text: '移动欠费拆机主要原因' });
  if (i === 5) blocks.push({ type: 'heading', level: 2, text: '趋势与分布' });
  blocks.push(paragraph(4 + 3 * i), paragraph(5 + 3 * i), { type: 'chart', ...chart }, paragraph(6 + 3 * i));
});
const gridColumns = [
  { key: 'grid', title: '网格' },
  { key: 'manager', title: '网格经理' },
  { key: 'dispatched', title: '派单数', format: 'integer' },
  { key: 'feedback', title: '已反馈', format: 'integer' },
  { key: 'feedbackRate', title: '反馈率', format: 'percent1' },
  { key: 'reached', title: '联系上', format: 'integer' },
  { key: 'activated', title: '激活', format: 'integer' },
  { key: 'rate', title: '激活率', format: 'percent1' },
  { key: 'reason', title: '主要原因' },
] as const;
section('分网格、分网格经理情况', 1, [
  { type: 'heading', level: 2, text: '分网格' },
  {
    type: 'table',
    caption: '分网格激活情况',
    columns: [...gridColumns],
    rows: grids,
    highlightRows: grids.flatMap((g, i) => (g.rate < 0.1 ? [i] : [])),
  },
  { type: 'heading', level: 2, text: '分网格经理' },
  {
    type: 'table',
    caption: '分网格经理激活情况',
    columns: [
      { key: 'manager', title: '网格经理' },
      { key: 'grid', title: '网格' },
      { key: 'dispatched', title: '派单数', format: 'integer' },
      { key: 'feedback', title: '已反馈', format: 'integer' },
      { key: 'feedbackRate', title: '反馈率', format: 'percent1' },
      { key: 'other', title: '"其他"占比', format: 'percent1' },
      { key: 'activated', title: '激活', format: 'integer' },
      { key: 'rate', title: '激活率', format: 'percent1' },
    ],
    rows: managers,
    highlightRows: managers.flatMap((m, i) => (m.feedbackRate < 0.7 ? [i] : [])),
  },
]);
section('改进思路和举措建议', 1, [paragraph(30), paragraph(31)]);

const report: ReportDocument = {
  title: '某某分公司2026年6月欠费拆机管控分析报告',
  unitName: '某某分公司',
  periodLabel: '2026年6月',
  generatedAt: '2026-07-01T00:30:00Z',
  blocks,
};
const withoutCharts: ReportDocument = { ...report, blocks: blocks.filter((b) => b.type !== 'chart') };
const chartSpecs = charts.map((c) => c.spec);

/**
 * Cold (first) time and the median of `runs` more, in ms of wall-clock time and of this process's
 * CPU time (user + system): on a busy machine the CPU time is the steadier figure.
 */
const measure = async <T>(fn: () => T | Promise<T>) => {
  const once = async () => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await fn();
    const used = process.cpuUsage(cpu);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000, result };
  };
  const first = await once();
  const rest: { wall: number; cpu: number }[] = [];
  let result = first.result;
  for (let i = 0; i < runs; i++) {
    const run = await once();
    rest.push(run);
    result = run.result;
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    cold: first.wall,
    median: rest.length ? median(rest.map((r) => r.wall)) : first.wall,
    cpu: rest.length ? median(rest.map((r) => r.cpu)) : first.cpu,
    result,
  };
};

const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
const line = (label: string, m: { cold: number; median: number; cpu: number }, extra = '') =>
  console.log(
    `report-render: ${label.padEnd(38)} cold ${ms(m.cold)}   median ${ms(m.median)}   cpu ${ms(m.cpu)}${extra}`,
  );

const font = defaultChartFont();
console.log(
  `report-render: ${blocks.length} blocks, ${charts.length} charts, tables of ${grids.length} and ${managers.length} rows; ` +
    `chart font: ${font ? `${font.family} (${font.file}, ${font.outlines})` : 'none (fallback)'}; ${runs} runs after a cold one`,
);

const svgOnly = await measure(() => chartSpecs.map((spec) => renderChartSvg({ spec })));
line('8 charts → SVG (ECharts SSR only)', svgOnly);
const pngs = await measure(() => chartSpecs.map((spec) => renderChart({ spec })));
line('8 charts → SVG + PNG 2×', pngs);

const docx = await measure(() => renderDocx({ document: report }));
line('docx', docx, `   ${kb(docx.result.buffer.length)}`);
const docxBare = await measure(() => renderDocx({ document: withoutCharts }));
line('docx without charts (baseline)', docxBare, `   ${kb(docxBare.result.buffer.length)}`);
const html = await measure(() => renderHtml({ document: report }));
line('html', html, `   ${kb(Buffer.byteLength(html.result))}`);
const markdown = await measure(() => renderMarkdown({ document: report }));
line('markdown (+ 8 SVG files)', markdown, `   ${kb(Buffer.byteLength(markdown.result.markdown))}`);
const xlsx = await measure(() => renderXlsx({ document: report }));
line('xlsx', xlsx, `   ${kb(xlsx.result.length)}`);

// Why charts are rasterised with a subset font: the same chart's PNG with the whole font file.
if (font) {
  const svg = renderChartSvg({ spec: chartSpecs[0] as ChartSpec });
  const png = (file: string) =>
    new Resvg(svg, {
      fitTo: { mode: 'zoom', value: 2 },
      background: '#ffffff',
      font: {
        loadSystemFonts: false,
        fontFiles: [file],
        defaultFontFamily: font.family,
        sansSerifFamily: font.family,
      },
    })
      .render()
      .asPng();
  const whole = await measure(() => png(font.file));
  const subsetFile = join(tmpdir(), `guankong-bench-subset-${process.pid}.ttf`);
  const glyphs = new Set([...svg].map((c) => c.codePointAt(0) ?? 0));
  const subset = await measure(() => {
    writeFileSync(subsetFile, subsetTrueType(chartFontFace(font), glyphs));
    return png(subsetFile);
  });
  unlinkSync(subsetFile);
  line('1 pareto chart PNG, whole font file', whole);
  line('1 pareto chart PNG, subset font (incl. subsetting)', subset);
  console.log(
    `report-render: ratio whole font / subset, one chart PNG: ${(whole.cpu / subset.cpu).toFixed(1)}× (cpu)`,
  );
}

const all = docx.median + html.median + markdown.median + xlsx.median;
console.log(
  `report-render: ratio docx / docx without charts: ${(docx.cpu / docxBare.cpu).toFixed(2)}× (cpu; ` +
    `charts add ${(docx.cpu - docxBare.cpu).toFixed(0)} ms, their SVG + PNG alone take ${pngs.cpu.toFixed(0)} ms)`,
);
console.log(
  `report-render: ratio 8 charts SVG + PNG / SVG only: ${(pngs.cpu / svgOnly.cpu).toFixed(1)}× (cpu)`,
);
console.log(`report-render: all four formats, median wall-clock sum: ${all.toFixed(0)} ms`);
console.log(
  `report-render: target docx well under 2,000 ms (of the 5 s report budget): ` +
    `${docx.median <= 2000 ? 'met' : 'NOT met'} (median ${docx.median.toFixed(0)} ms, cpu ${docx.cpu.toFixed(0)} ms)`,
);
const [load1] = loadavg();
console.log(`report-render: machine load average over 1 min: ${load1?.toFixed(1)} on ${cpus().length} CPUs`);

if (process.env.REPORT_BENCH_OUT) {
  const dir = process.env.REPORT_BENCH_OUT === '1' ? tmpdir() : process.env.REPORT_BENCH_OUT;
  writeFileSync(join(dir, 'report-bench.docx'), docx.result.buffer);
  writeFileSync(join(dir, 'report-bench.html'), html.result);
  writeFileSync(join(dir, 'report-bench.xlsx'), xlsx.result);
  console.log(`report-render: wrote report-bench.{docx,html,xlsx} to ${dir}`);
}
