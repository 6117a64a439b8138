import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderMarkdown } from './markdown-render.js';
import { hostileReport, sampleReport } from './sample-report.fixture.js';

/** Splits a pipe-table line into cells the way GFM does: `\|` is a pipe inside a cell. */
const cells = (line: string): string[] => {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      current += c + (line[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  // A row starts and ends with a pipe: drop the empty outsides.
  if (out[0]?.trim() !== '' || out.at(-1)?.trim() !== '') throw new Error(`row not fenced by pipes: ${line}`);
  return out.slice(1, -1).map((cell) => cell.trim());
};

/** Every pipe table of a Markdown text, checked for GFM shape: header, delimiter row, equal widths. */
const tables = (markdown: string): string[][][] => {
  const found: string[][][] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('|')) continue;
    const block: string[] = [];
    while (lines[i]?.startsWith('|')) block.push(lines[i++] ?? '');
    const rows = block.map(cells);
    const width = rows[0]?.length ?? 0;
    expect(width).toBeGreaterThan(0);
    for (const row of rows) expect(row).toHaveLength(width);
    for (const mark of rows[1] ?? []) expect(mark).toMatch(/^:?-{3,}:?$/);
    expect(lines[i] ?? '').toBe(''); // a blank line ends the table
    found.push([rows[0] ?? [], ...rows.slice(2)]);
  }
  return found;
};

describe('renderMarkdown', () => {
  const { markdown, assets } = renderMarkdown({ document: sampleReport() });

  it('writes the title, numbered headings and highlighted figures', () => {
    expect(markdown.startsWith('# 某某分公司2026年6月欠费拆机管控分析报告\n')).toBe(true);
    expect(markdown).toContain('生成时间：2026年7月1日 08:30');
    const headings = markdown.split('\n').filter((l) => /^#{2,4} /.test(l));
    expect(headings).toEqual([
      '## 一、欠费拆机存在的主要问题',
      '## 二、欠费拆机主要原因分析',
      '### （一）宽带欠费拆机主要原因',
      '#### 1.联系不上',
      '#### 2.转入异网',
      '### （二）移动欠费拆机主要原因',
      '## 三、分网格、分网格经理情况',
    ]);
    expect(markdown).toContain('欠拆激活率 **20.6%**，低于目标');
    expect(markdown).toContain('- 城西网格反馈率 84.2%，未反馈 15 户。');
  });

  it('writes well-formed pipe tables with right-aligned figures and bold highlighted rows', () => {
    const all = tables(markdown);
    expect(all).toHaveLength(3); // two charts' data and the grid table
    const grid = all[2] ?? [];
    expect(grid[0]).toEqual(['网格', '网格经理', '派单数', '已反馈', '反馈率', '激活', '激活率']);
    expect(grid[2]).toEqual([
      '**城西网格**',
      '**李娜**',
      '**95**',
      '**80**',
      '**84.2%**',
      '**9**',
      '**9.5%**',
    ]);
    expect(grid[3]).toEqual(['开发区网格', '王强', '1,234', '1,234', '100.0%', '260', '21.1%']);
    expect(markdown).toContain('| :--- | :--- | ---: | ---: | ---: | ---: | ---: |');
    expect(markdown).toContain('**表1 分网格激活情况**\n\n| 网格 |');
  });

  it('links each chart to an SVG file and lists its figures', () => {
    expect(assets.map((a) => a.fileName)).toEqual(['figure-1.svg', 'figure-2.svg']);
    for (const asset of assets) expect(asset.svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(markdown).toContain(
      '![图1 宽带欠费拆机原因构成](charts/figure-1.svg)\n\n*图1 宽带欠费拆机原因构成*',
    );
    const [pareto, comparison] = tables(markdown);
    expect(pareto?.[0]).toEqual(['类别', '拆机户数（户）', '累计占比']);
    expect(pareto?.[1]).toEqual(['联系不上', '680', '46.9%']); // sorted, with the running share
    expect(pareto?.at(-1)).toEqual(['其他', '199', '100.0%']);
    expect(comparison?.[0]).toEqual(['类别', '上月（户）', '本月（户）']);
    expect(comparison?.[1]).toEqual(['联系不上', '410', '455']);
    expect(renderMarkdown({ document: sampleReport(), chartDir: 'img' }).markdown).toContain(
      '](img/figure-1.svg)',
    );
  });

  it('keeps data from making markup, cells or HTML', () => {
    const out = renderMarkdown({ document: hostileReport() }).markdown;
    expect(out).not.toMatch(/(^|[^\\])<script/i);
    expect(out).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(out).toContain('- \\*\\*加粗\\*\\* \\[链接\\](http://x) # 标题');
    const [data] = tables(out);
    expect(data?.[0]).toEqual(['列a\\|b', '值']);
    expect(data?.map((row) => row[0])).toContain('多行 文本a\\|b'); // a line break would end the table
    expect(data?.map((row) => row[1])).toContain('—');
  });

  it('escapes what would start a block only at the start', () => {
    expect(escapeMarkdown('1. 不是列表')).toBe('1\\. 不是列表');
    expect(escapeMarkdown('# 不是标题')).toBe('\\# 不是标题');
    expect(escapeMarkdown('- 不是列表')).toBe('\\- 不是列表');
    expect(escapeMarkdown('增长 1.5% - 持平')).toBe('增长 1.5% - 持平');
  });
});
