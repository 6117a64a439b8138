import { defineErrors } from '../../platform/errors/define-errors.js';

export const customersErrors = defineErrors({
  /** The customer does not exist or lies outside the caller's scope. */
  'customers.not_found': { kind: 'not_found', zh: '客户不存在', en: 'Customer not found' },
  /** Another customer already has this external key (subscriber, room or account number). */
  'customers.external_key_taken': {
    kind: 'conflict',
    zh: '客户编号 {externalKey} 已被使用',
    en: 'Customer key {externalKey} is already in use',
  },
  /**
   * A customer import was refused because rows are invalid, and nothing was written. `details.problems`
   * lists `{ row, field, code, message }` (rows numbered as in a spreadsheet, the header being row 1;
   * at most 1,000); `rowCount` and `problemCount` count all.
   */
  'customers.import_invalid': {
    kind: 'invalid',
    zh: '导入文件中有 {rowCount} 行有误，未导入任何客户',
    en: '{rowCount} rows of the import are invalid; nothing was imported',
  },
  /** The import file's header row names columns the import does not know (`details.columns`, `details.accepted`). */
  'customers.import_unknown_columns': {
    kind: 'invalid',
    zh: '导入文件中有无法识别的列：{columns}',
    en: 'The import file has columns that are not known: {columns}',
  },
  /** The import file has no column for a required field (the name); an empty file has no header at all. */
  'customers.import_missing_column': {
    kind: 'invalid',
    zh: '导入文件缺少“{column}”列',
    en: 'The import file has no "{column}" column',
  },
  /** Two header cells of the import file name the same field (e.g. 姓名 and name). */
  'customers.import_duplicate_column': {
    kind: 'invalid',
    zh: '导入文件中“{column}”列重复',
    en: 'The import file has the "{column}" column twice',
  },
  /** The import file is not UTF-8 (Excel's plain "CSV" is GBK on Chinese Windows). */
  'customers.import_not_utf8': {
    kind: 'invalid',
    zh: '导入文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”',
    en: 'The import file is not UTF-8; save it as "CSV UTF-8"',
  },
  /** The import file is not valid CSV, e.g. a quote is not closed (`details.line`, `details.reason`). */
  'customers.import_unreadable': {
    kind: 'invalid',
    zh: '导入文件第 {line} 行不是有效的 CSV（{reason}）',
    en: 'Line {line} of the import file is not valid CSV ({reason})',
  },
  /** The import file is over 10 MB or 100,000 rows; split it. */
  'customers.import_too_large': {
    kind: 'too_large',
    zh: '导入文件过大：最多 {maxMb} MB、{maxRows} 行，请拆分后导入',
    en: 'The import file is too large: at most {maxMb} MB and {maxRows} rows; split it',
  },
});
