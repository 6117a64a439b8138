import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from './html-render.js';
import { hostile, hostileReport, sampleReport } from './sample-report.fixture.js';

const html = renderHtml({ document: sampleReport() });

/** Tag names opened in the page (lower case), to spot anything injected. */
const openedTags = (page: string) =>
  new Set([...page.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]?.toLowerCase()));

describe('renderHtml', () => {
  it('is a standalone A4 page with Chinese font stacks and nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/@page \{ size: A4 portrait; margin: 2\.54cm 3\.17cm; \}/);
    expect(html).toMatch(/font-family: "FangSong", "仿宋"/);
    expect(html).toMatch(/h2 \{ font-family: "SimHei", "黑体"/);
    expect(html).not.toMatch(/<link|<script|src="http|@import/i);
    expect(html).toContain('<title>某某分公司2026年6月欠费拆机管控分析报告</title>');
  });

  it('numbers the headings', () => {
    const headings = [...html.matchAll(/<h([234])>([^<]*)<\/h\1>/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(headings).toEqual([
      '2:一、欠费拆机存在的主要问题',
      '2:二、欠费拆机主要原因分析',
      '3:（一）宽带欠费拆机主要原因',
      '4:1.联系不上',
      '4:2.转入异网',
      '3:（二）移动欠费拆机主要原因',
      '2:三、分网格、分网格经理情况',
    ]);
  });

  it('inlines each chart as SVG with its caption', () => {
    const figures = [...html.matchAll(/<figure>([\s\S]*?)<\/figure>/g)].map((m) => m[1] ?? '');
    expect(figures).toHaveLength(2);
    expect(figures[0]).toMatch(
      /^<svg role="img" aria-label="图1 宽带欠费拆机原因构成" width="640" height="360"/,
    );
    expect(figures[0]).toContain('</svg><figcaption>图1 宽带欠费拆机原因构成</figcaption>');
    expect(figures[0]).toMatch(/<text[^>]*>联系不上<\/text>/);
    expect(figures[1]).toMatch(/<text[^>]*>本月<\/text>/);
  });

  it('writes tables with header, right-aligned formatted figures and the highlighted row', () => {
    expect(html).toContain('<caption>表1 分网格激活情况</caption>');
    expect(html).toContain('<th scope="col">派单数</th>');
    expect(html).toContain(
      '<tr class="hl"><td>城西网格</td><td>李娜</td><td class="r">95</td><td class="r">80</td><td class="r">84.2%</td><td class="r">9</td><td class="r">9.5%</td></tr>',
    );
    expect(html).toContain('<tr><td>开发区网格</td><td>王强</td><td class="r">1,234</td>');
    expect(html).toContain('<strong class="hl">20.6%</strong>');
    expect(html).toContain('<div class="page-break"></div>');
  });

  it('escapes every text from the data', () => {
    const page = renderHtml({ document: hostileReport() });
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<(b|i)>/);
    // Only the tags the renderer writes itself (and the SVG elements ECharts writes).
    const allowed = new Set(
      'html head meta title style body main h1 h2 p ul li strong table caption thead tr th tbody td figure figcaption div svg rect path text g defs clippath line polyline polygon circle'.split(
        ' ',
      ),
    );
    expect([...openedTags(page)].filter((t) => !allowed.has(t ?? ''))).toEqual([]);
    expect(page).toContain(`<td>${escapeHtml(hostile.script)}</td>`);
    expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(page).toContain('<title>报告&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).toContain('<strong class="hl">&amp;amp; &lt;b&gt;粗&lt;/b&gt;</strong>');
    expect(page).toContain('aria-label="图1 图&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('escapes quotes for attributes', () => {
    expect(escapeHtml(`"a" & 'b' <c>`)).toBe('&quot;a&quot; &amp; &#39;b&#39; &lt;c&gt;');
  });
});
