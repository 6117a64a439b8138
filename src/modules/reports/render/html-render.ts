import { renderChartSvg } from './chart-render.js';
import type { Block, ReportDocument, Run, TableBlock } from './report-document.js';
import {
  captionLine,
  numberCaptions,
  numberHeadings,
  paragraphRuns,
  parseReportDocument,
} from './report-document.js';
import { columnAlign, formatDateTime, formatValue } from './value-format.js';

/*
 * ReportDocument → one standalone, print-friendly HTML page: inline CSS (A4 page, the same
 * Chinese font roles as the .docx), charts as inline SVG, no script and no external resource,
 * so the file can be mailed, archived or printed to PDF by a browser as it is.
 * Every text from the data is escaped; chart SVG comes from ECharts, which escapes its labels.
 */

export type HtmlRenderOptions = {
  document: ReportDocument;
  /** The zone `generatedAt` is shown in. Default Asia/Shanghai. */
  timeZone?: string;
};

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML content and attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

const fontStacks = {
  song: '"SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif',
  fang: '"FangSong", "仿宋", "FangSong_GB2312", "STFangsong", "Noto Serif CJK SC", serif',
  hei: '"SimHei", "黑体", "Heiti SC", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
  kai: '"KaiTi", "楷体", "KaiTi_GB2312", "STKaiti", "Kaiti SC", serif',
};

const css = `
@page { size: A4 portrait; margin: 2.54cm 3.17cm; }
html { background: #f2f2f2; }
body { margin: 0; font-family: ${fontStacks.fang}; font-size: 14pt; line-height: 1.6; color: #000; }
main { max-width: 21cm; margin: 1cm auto; padding: 2.54cm 3.17cm; background: #fff; box-sizing: border-box; }
h1.title { font-family: ${fontStacks.song}; font-size: 22pt; font-weight: bold; text-align: center; margin: 0 0 0.4em; line-height: 1.4; }
p.subtitle, p.meta { font-family: ${fontStacks.kai}; text-align: center; margin: 0.2em 0; }
p.subtitle { font-size: 16pt; }
p.generated { text-align: center; font-size: 10.5pt; color: #555; margin: 0.2em 0 1.5em; }
h2, h3, h4 { font-size: 14pt; font-weight: normal; margin: 0.8em 0 0.3em; text-indent: 2em; break-after: avoid; }
h2 { font-family: ${fontStacks.hei}; font-size: 16pt; }
h3 { font-family: ${fontStacks.kai}; }
h4 { font-family: ${fontStacks.fang}; font-weight: bold; }
p { margin: 0; text-indent: 2em; text-align: justify; }
ul { margin: 0.2em 0; padding-left: 3em; }
.hl { color: #c00000; font-weight: bold; }
figure { margin: 0.8em 0; text-align: center; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption, caption { font-family: ${fontStacks.hei}; font-size: 10.5pt; text-align: center; padding: 0.3em 0; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; margin: 0.4em 0 1em; }
th, td { border: 1px solid #808080; padding: 0.15em 0.4em; }
th { background: #d9e2f3; font-weight: bold; text-align: center; }
tr.hl td { background: #fbe4e4; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.r { text-align: right; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
.page-break { break-after: page; height: 0; }
@media print { html { background: none; } main { margin: 0; padding: 0; max-width: none; } }
`;

const runsHtml = (runs: readonly Run[]): string =>
  runs
    .map((run) => {
      const text = escapeHtml(run.text);
      if (run.highlight) return `<strong class="hl">${text}</strong>`;
      return run.bold ? `<strong>${text}</strong>` : text;
    })
    .join('');

const alignClass = { left: '', center: ' class="c"', right: ' class="r"' } as const;

const tableHtml = (block: TableBlock, caption: string | null): string => {
  const aligns = block.columns.map((column) => alignClass[columnAlign(column, block.rows)]);
  const highlighted = new Set(block.highlightRows ?? []);
  const head = block.columns.map((c) => `<th scope="col">${escapeHtml(c.title)}</th>`).join('');
  const body = block.rows
    .map((row, r) => {
      const cells = block.columns
        .map((c, i) => `<td${aligns[i] ?? ''}>${escapeHtml(formatValue(row[c.key], c.format))}</td>`)
        .join('');
      return `<tr${highlighted.has(r) ? ' class="hl"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  return [
    '<table>',
    caption ? `<caption>${escapeHtml(caption)}</caption>` : '',
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    '</table>',
  ].join('');
};

/** The SVG as ECharts wrote it, made to scale with the page and labelled for screen readers. */
const inlineSvg = (svg: string, label: string): string =>
  svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" `);

/** Renders the document to a standalone HTML page. */
export const renderHtml = ({ document, timeZone = 'Asia/Shanghai' }: HtmlRenderOptions): string => {
  const doc = parseReportDocument(document);
  const headingNumbers = numberHeadings(doc.blocks);
  const captionNumbers = numberCaptions(doc.blocks);

  const blockHtml = (block: Block, i: number): string => {
    switch (block.type) {
      case 'heading': {
        const tag = `h${block.level + 1}`;
        return `<${tag}>${escapeHtml(`${headingNumbers[i] ?? ''}${block.text}`)}</${tag}>`;
      }
      case 'paragraph':
        return `<p>${runsHtml(paragraphRuns(block))}</p>`;
      case 'bullets':
        return `<ul>${block.items.map((runs) => `<li>${runsHtml(runs)}</li>`).join('')}</ul>`;
      case 'table':
        return tableHtml(block, captionLine(captionNumbers[i] ?? null, block.caption));
      case 'chart': {
        const caption = captionLine(captionNumbers[i] ?? null, block.caption);
        const svg = inlineSvg(renderChartSvg({ spec: block.spec }), caption ?? '图表');
        return `<figure>${svg}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`;
      }
      case 'pageBreak':
        return '<div class="page-break"></div>';
    }
  };

  const meta = [doc.unitName, doc.periodLabel].filter(Boolean).join('　');
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Guankong">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1 class="title">${escapeHtml(doc.title)}</h1>`,
    doc.subtitle ? `<p class="subtitle">${escapeHtml(doc.subtitle)}</p>` : '',
    meta ? `<p class="meta">${escapeHtml(meta)}</p>` : '',
    `<p class="generated">生成时间：${escapeHtml(formatDateTime(doc.generatedAt, timeZone))}</p>`,
    ...doc.blocks.map(blockHtml),
    '</main>',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
};
