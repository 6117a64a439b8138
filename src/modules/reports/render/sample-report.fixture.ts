import { crc32, inflateSync } from 'node:zlib';
import type { Block, ReportDocument } from './report-document.js';

/*
 * Documents the renderer tests read back: a telecom arrears report in miniature (three heading
 * levels, a highlighted figure, bullets, a table with a highlighted row, a bar and a pareto
 * chart), and one whose every text field carries markup and formula-looking strings.
 */

export const sampleGridRows = [
  {
    grid: '城东网格',
    manager: '张伟',
    dispatched: 120,
    feedback: 118,
    feedbackRate: 118 / 120,
    activated: 30,
    rate: 0.25,
  },
  {
    grid: '城西网格',
    manager: '李娜',
    dispatched: 95,
    feedback: 80,
    feedbackRate: 80 / 95,
    activated: 9,
    rate: 9 / 95,
  },
  {
    grid: '开发区网格',
    manager: '王强',
    dispatched: 1234,
    feedback: 1234,
    feedbackRate: 1,
    activated: 260,
    rate: 260 / 1234,
  },
];

export const sampleReport = (overrides: Partial<ReportDocument> = {}): ReportDocument => ({
  title: '某某分公司2026年6月欠费拆机管控分析报告',
  subtitle: '（内部资料）',
  unitName: '某某分公司',
  periodLabel: '2026年6月',
  generatedAt: '2026-07-01T00:30:00.000Z',
  blocks: [
    {
      type: 'paragraph',
      runs: [
        { text: '本月宽带欠费拆机 1,449 户，派单 1,449 户，欠拆激活率 ' },
        { text: '20.6%', highlight: true },
        { text: '，低于目标 25.0%。' },
      ],
    },
    { type: 'heading', level: 1, text: '欠费拆机存在的主要问题' },
    {
      type: 'bullets',
      items: [
        [{ text: '欠拆激活率 ' }, { text: '20.6%', highlight: true }, { text: '，低于目标 25.0%。' }],
        [{ text: '城西网格反馈率 84.2%，未反馈 15 户。' }],
      ],
    },
    { type: 'heading', level: 1, text: '欠费拆机主要原因分析' },
    { type: 'heading', level: 2, text: '宽带欠费拆机主要原因' },
    { type: 'heading', level: 3, text: '联系不上' },
    { type: 'paragraph', text: '联系不上占 46.9%，其中号码非本人 12.1%、空号 8.3%。' },
    {
      type: 'chart',
      caption: '宽带欠费拆机原因构成',
      spec: {
        kind: 'pareto',
        categories: ['无需求', '联系不上', '转入异网', '其他'],
        series: [{ name: '拆机户数', values: [320, 680, 250, 199] }],
        unit: '户',
        valueFormat: 'integer',
      },
    },
    { type: 'heading', level: 3, text: '转入异网' },
    { type: 'heading', level: 2, text: '移动欠费拆机主要原因' },
    {
      type: 'chart',
      caption: '移动欠费拆机原因与上月对比',
      spec: {
        kind: 'bar',
        categories: ['联系不上', '无需求', '转入异网'],
        series: [
          { name: '上月', values: [410, 300, 120] },
          { name: '本月', values: [455, 280, 160] },
        ],
        unit: '户',
        valueFormat: 'integer',
      },
    },
    { type: 'pageBreak' },
    { type: 'heading', level: 1, text: '分网格、分网格经理情况' },
    {
      type: 'table',
      caption: '分网格激活情况',
      columns: [
        { key: 'grid', title: '网格' },
        { key: 'manager', title: '网格经理' },
        { key: 'dispatched', title: '派单数', format: 'integer' },
        { key: 'feedback', title: '已反馈', format: 'integer' },
        { key: 'feedbackRate', title: '反馈率', format: 'percent1' },
        { key: 'activated', title: '激活', format: 'integer' },
        { key: 'rate', title: '激活率', format: 'percent1' },
      ],
      rows: sampleGridRows,
      highlightRows: [1],
    },
  ],
  ...overrides,
});

/** Markup, entity and formula strings in every place text can go. */
export const hostile = {
  script: '<script>alert(1)</script>',
  formula: '=HYPERLINK("http://evil.example","点我")',
  plus: '+1+2',
  minus: '-3',
  at: '@SUM(A1)',
  pipe: 'a|b',
  markdown: '**加粗** [链接](http://x) # 标题',
};

export const hostileReport = (): ReportDocument => {
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: `标题${hostile.script}` },
    { type: 'paragraph', runs: [{ text: hostile.script }, { text: '&amp; <b>粗</b>', highlight: true }] },
    { type: 'bullets', items: [[{ text: hostile.markdown }]] },
    {
      type: 'table',
      caption: '表/名:含*非法?字符[1]',
      columns: [
        { key: 'a', title: `列${hostile.pipe}` },
        { key: 'b', title: '值', format: 'integer' },
      ],
      rows: [
        { a: hostile.script, b: 1 },
        { a: hostile.formula, b: 2 },
        { a: hostile.plus, b: null },
        { a: hostile.minus, b: -4 },
        { a: hostile.at, b: 5 },
        { a: `多行\n文本${hostile.pipe}`, b: 6 },
      ],
    },
    {
      type: 'chart',
      caption: `图${hostile.script}`,
      spec: {
        kind: 'bar',
        categories: [hostile.script, 'a&b'],
        series: [{ name: '<i>x</i>', values: [1, 2] }],
      },
    },
  ];
  return { title: `报告${hostile.script}`, generatedAt: '2026-07-01T00:00:00Z', blocks };
};

/**
 * Reads a PNG the way a decoder would: signature, chunk CRCs, IHDR first and IEND last, and the
 * inflated image data exactly as long as width × height × channels (+1 filter byte per line).
 * Throws on any fault; returns the size.
 */
export const decodePng = (png: Uint8Array): { width: number; height: number } => {
  const buf = Buffer.from(png);
  if (!buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('not a PNG signature');
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < buf.length;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + length);
    if (crc32(buf.subarray(at + 4, at + 8 + length)) !== buf.readUInt32BE(at + 8 + length))
      throw new Error(`bad CRC in ${type}`);
    chunks.push({ type, data });
    at += 12 + length;
  }
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR' || ihdr.data.length !== 13) throw new Error('IHDR is not the first chunk');
  if (chunks.at(-1)?.type !== 'IEND') throw new Error('IEND is not the last chunk');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const bitDepth = ihdr.data[8];
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[ihdr.data[9] ?? -1];
  if (bitDepth !== 8 || channels === undefined) throw new Error('unexpected PNG pixel format');
  const pixels = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  if (pixels.length !== height * (1 + width * channels))
    throw new Error('image data does not fill the image');
  return { width, height };
};
