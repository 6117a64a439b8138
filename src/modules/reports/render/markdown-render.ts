import { paretoData, renderChartSvg } from './chart-render.js';
import type { Block, ChartSpec, ReportDocument, Run, TableBlock } from './report-document.js';
import {
  captionLine,
  numberCaptions,
  numberHeadings,
  paragraphRuns,
  parseReportDocument,
} from './report-document.js';
import { columnAlign, formatDateTime, formatValue } from './value-format.js';

/*
 * ReportDocument → GitHub-flavoured Markdown, for wikis, issue trackers and chat.
 *
 * Charts are written as SVG files next to the Markdown (`assets`) and linked as images, not as
 * data-URI images: GitHub and most wikis drop `data:` image sources, and a 30 kB base64 blob
 * makes the text unreadable. Under each chart its figures follow as a small table, so the
 * Markdown reads complete without the images. Page breaks have no Markdown form and are left out.
 */

export type MarkdownRenderOptions = {
  document: ReportDocument;
  /** The folder the chart SVGs are linked from, relative to the Markdown file. Default `charts`. */
  chartDir?: string;
  /** The zone `generatedAt` is shown in. Default Asia/Shanghai. */
  timeZone?: string;
};

export type RenderedMarkdown = {
  markdown: string;
  /** The chart images the Markdown links to: write each to `{chartDir}/{fileName}`. */
  assets: { fileName: string; svg: string }[];
};

/**
 * Text inside a Markdown line: characters that start inline markup are backslash-escaped
 * (CommonMark allows it for all ASCII punctuation), so data cannot make links, emphasis, HTML,
 * entities or table cells; line breaks become spaces.
 */
export const escapeInline = (text: string): string =>
  text.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

/** Escapes the block-start markers of already inline-escaped text. */
const escapeBlockStart = (text: string): string =>
  text.replace(/^(\s*)([#>+=-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');

/** Text that starts a block: also what makes a heading, quote, list or rule at a line start. */
export const escapeMarkdown = (text: string): string => escapeBlockStart(escapeInline(text));

/** A table cell: escaped, on one line (a line break would end the table), never empty. */
const cellText = (text: string): string => escapeInline(text).trim() || ' ';

const runsMarkdown = (runs: readonly Run[]): string =>
  runs
    .map((run) => {
      const text = escapeInline(run.text);
      return (run.bold || run.highlight) && text.trim() ? `**${text}**` : text;
    })
    .join('');

const alignMark = { left: ':---', center: ':---:', right: '---:' } as const;

/** A GFM pipe table; highlighted rows are bold. */
export const pipeTable = (table: Pick<TableBlock, 'columns' | 'rows' | 'highlightRows'>): string => {
  const highlighted = new Set(table.highlightRows ?? []);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(table.columns.map((c) => cellText(c.title))),
    line(table.columns.map((c) => alignMark[columnAlign(c, table.rows)])),
    ...table.rows.map((row, r) =>
      line(
        table.columns.map((c) => {
          const text = cellText(formatValue(row[c.key], c.format));
          return highlighted.has(r) && text.trim() ? `**${text}**` : text;
        }),
      ),
    ),
  ].join('\n');
};

/** A chart's figures as a table: categories down, series across (pareto: sorted, with its running share). */
export const chartDataTable = (spec: ChartSpec): Pick<TableBlock, 'columns' | 'rows'> => {
  const format = spec.valueFormat;
  const unit = spec.unit ? `（${spec.unit}）` : '';
  if (spec.kind === 'pareto') {
    const name = spec.series[0]?.name ?? '';
    return {
      columns: [
        { key: 'category', title: '类别' },
        { key: 'value', title: `${name}${unit}`, format },
        { key: 'cumulative', title: '累计占比', format: 'percent1' },
      ],
      rows: paretoData(spec).map((d) => ({ category: d.category, value: d.value, cumulative: d.cumulative })),
    };
  }
  if (spec.kind === 'pie') {
    const values = spec.series[0]?.values ?? [];
    const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return {
      columns: [
        { key: 'category', title: '类别' },
        { key: 'value', title: `${spec.series[0]?.name ?? ''}${unit}`, format },
        { key: 'share', title: '占比', format: 'percent1' },
      ],
      rows: spec.categories.map((category, i) => {
        const value = values[i] ?? null;
        return { category, value, share: value === null || total === 0 ? null : value / total };
      }),
    };
  }
  return {
    columns: [
      { key: 'category', title: '类别' },
      ...spec.series.map((s, i) => ({ key: `s${i}`, title: `${s.name}${unit}`, format })),
    ],
    rows: spec.categories.map((category, c) =>
      Object.fromEntries([
        ['category', category],
        ...spec.series.map((s, i) => [`s${i}`, s.values[c] ?? null]),
      ]),
    ),
  };
};

/** Renders the document to Markdown plus the chart SVG files it links to. */
export const renderMarkdown = ({
  document,
  chartDir = 'charts',
  timeZone = 'Asia/Shanghai',
}: MarkdownRenderOptions): RenderedMarkdown => {
  const doc = parseReportDocument(document);
  const headingNumbers = numberHeadings(doc.blocks);
  const captionNumbers = numberCaptions(doc.blocks);
  const assets: RenderedMarkdown['assets'] = [];

  const blockMarkdown = (block: Block, i: number): string | null => {
    switch (block.type) {
      case 'heading':
        return `${'#'.repeat(block.level + 1)} ${escapeInline(`${headingNumbers[i] ?? ''}${block.text}`)}`;
      case 'paragraph':
        return escapeBlockStart(runsMarkdown(paragraphRuns(block)));
      case 'bullets':
        return block.items.map((runs) => `- ${escapeBlockStart(runsMarkdown(runs))}`).join('\n');
      case 'table': {
        const caption = captionLine(captionNumbers[i] ?? null, block.caption);
        // The blank line keeps the caption a paragraph of its own (not a table row).
        return [caption ? `**${escapeMarkdown(caption)}**\n\n` : '', pipeTable(block)].join('');
      }
      case 'chart': {
        const fileName = `figure-${assets.length + 1}.svg`;
        assets.push({ fileName, svg: renderChartSvg({ spec: block.spec }) });
        const caption = captionLine(captionNumbers[i] ?? null, block.caption);
        const alt = escapeMarkdown(caption ?? `图表 ${assets.length}`);
        return [
          `![${alt}](${chartDir}/${fileName})`,
          caption ? `*${escapeMarkdown(caption)}*` : '',
          pipeTable(chartDataTable(block.spec)),
        ]
          .filter(Boolean)
          .join('\n\n');
      }
      case 'pageBreak':
        return null;
    }
  };

  const meta = [doc.unitName, doc.periodLabel].filter(Boolean).join(' ');
  const parts = [
    `# ${escapeMarkdown(doc.title)}`,
    doc.subtitle ? escapeMarkdown(doc.subtitle) : null,
    meta ? escapeMarkdown(meta) : null,
    `生成时间：${escapeMarkdown(formatDateTime(doc.generatedAt, timeZone))}`,
    ...doc.blocks.map(blockMarkdown),
  ];
  return { markdown: `${parts.filter((p): p is string => p !== null && p !== '').join('\n\n')}\n`, assets };
};
