import ExcelJS from 'exceljs';
import type { ReportDocument, TableBlock, ValueFormat } from './report-document.js';
import { captionLine, numberCaptions, parseReportDocument } from './report-document.js';
import { columnAlign, columnWidths } from './value-format.js';

/*
 * ReportDocument → Excel workbook: every table block becomes its own worksheet (the lists the
 * reports promise as attachments: 超时工单清单, 上门激活清单). Numbers stay numbers with the
 * matching Excel number format, so the reader can sort, filter and sum.
 *
 * Strings that look like formulas (= + - @ at the start) are plain strings already: ExcelJS
 * writes a formula only from a `{ formula }` value. They also get the Text format (@), so that
 * editing the cell in Excel does not turn it into a formula either.
 */

export type XlsxRenderOptions = {
  document: ReportDocument;
  /** Workbook property "author". */
  creator?: string;
};

/** Excel number formats for our value formats. */
export const excelNumberFormats: Record<ValueFormat, string> = {
  integer: '#,##0',
  decimal1: '#,##0.0',
  percent1: '0.0%',
  text: '@',
};

const headerFill = 'FFD9E2F3';
const highlightFill = 'FFFBE4E4';
const alertColour = 'FFC00000';
const formulaLike = /^[=+\-@\t\r]/;

/** Excel's limit on sheet names, and the characters it refuses in them. */
const maxSheetName = 31;
const forbiddenInSheetName = /[[\]:*?/\\]/g;

/**
 * A valid, unique sheet name: forbidden characters become `_`, at most 31 characters, no
 * apostrophe at either end, not Excel's reserved "History", unique ignoring case (`名称(2)`).
 */
export const sheetName = (wanted: string, taken: Set<string>, fallback: string): string => {
  const clean = (text: string) =>
    [
      ...text
        .replace(forbiddenInSheetName, '_')
        .replace(/^'+|'+$/g, '')
        .trim(),
    ]
      .slice(0, maxSheetName)
      .join('');
  let base = clean(wanted) || clean(fallback);
  if (base.toLowerCase() === 'history') base = `${base}_`;
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) {
    const suffix = `(${n})`;
    name = `${[...base].slice(0, maxSheetName - suffix.length).join('')}${suffix}`;
  }
  taken.add(name.toLowerCase());
  return name;
};

const writeTable = (sheet: ExcelJS.Worksheet, table: TableBlock) => {
  const widths = columnWidths(table, { max: 60 });
  sheet.columns = table.columns.map((column, i) => ({
    key: column.key,
    width: (widths[i] ?? 10) + 2,
    style: column.format ? { numFmt: excelNumberFormats[column.format] } : {},
  }));
  const header = sheet.addRow(table.columns.map((c) => c.title));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: headerFill } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = { bottom: { style: 'thin' } };
  });
  const aligns = table.columns.map((c) => columnAlign(c, table.rows));
  const highlighted = new Set(table.highlightRows ?? []);
  table.rows.forEach((values, r) => {
    const row = sheet.addRow(table.columns.map((c) => values[c.key] ?? null));
    row.eachCell((cell, col) => {
      const align = aligns[col - 1];
      if (align && align !== 'left') cell.alignment = { horizontal: align };
      if (typeof cell.value === 'string' && formulaLike.test(cell.value)) cell.numFmt = '@';
      if (highlighted.has(r)) {
        cell.font = { color: { argb: alertColour } };
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: highlightFill } };
      }
    });
  });
  sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
};

/** Renders the document's tables to an .xlsx workbook, one sheet per table, in document order. */
export const renderXlsx = async ({
  document,
  creator = 'Guankong 管控',
}: XlsxRenderOptions): Promise<Buffer> => {
  const doc = parseReportDocument(document);
  const labels = numberCaptions(doc.blocks);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = creator;
  workbook.title = doc.title;
  workbook.created = new Date(doc.generatedAt);
  const taken = new Set<string>();
  let count = 0;
  doc.blocks.forEach((block, i) => {
    if (block.type !== 'table') return;
    count++;
    const name = sheetName(captionLine(labels[i] ?? null, block.caption) ?? '', taken, `表${count}`);
    writeTable(workbook.addWorksheet(name), block);
  });
  // Excel refuses a workbook without sheets.
  if (count === 0) workbook.addWorksheet('说明').addRow([`${doc.title}：本报告没有表格。`]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
