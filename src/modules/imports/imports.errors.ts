import { defineErrors } from '../../platform/errors/define-errors.js';

export const importsErrors = defineErrors({
  /** The uploaded file has no bytes at all (an upload that failed, or the wrong file picked). */
  'imports.empty_file': {
    kind: 'invalid',
    zh: '导入文件是空的（0 字节）',
    en: 'The import file is empty (0 bytes)',
  },
  /**
   * The file is neither CSV nor an Excel workbook (.xlsx). `details.looksLike` names the format it
   * seems to be by its first bytes (`PDF`, `PNG`, `XLS` for Excel 97–2003, `ZIP` for an archive
   * that holds no workbook, `HTML`, which some systems save as .xls, or `binary` …): one word that
   * reads in both languages, so the user knows what to save it as instead.
   */
  'imports.unsupported_format': {
    kind: 'invalid',
    zh: '无法导入该文件：其内容是 {looksLike} 格式，请另存为 .xlsx 或 CSV（UTF-8）后再导入',
    en: 'The file cannot be imported: its content is {looksLike}; save it as .xlsx or CSV (UTF-8)',
  },
  /**
   * The text of a CSV file is not valid in its encoding: the encoding given (or detected) is wrong,
   * or the file is damaged. `details.encoding`, `details.offset` (bytes from the start of the file)
   * and `details.line` (a text line, 1-based; null when unknown) say where.
   */
  'imports.encoding': {
    kind: 'invalid',
    zh: '导入文件不是有效的 {encoding} 编码（第 {line} 行，第 {offset} 字节附近），请确认文件编码',
    en: 'The import file is not valid {encoding} (line {line}, near byte {offset}); check its encoding',
  },
  /** The file has no header row: it holds only blank lines, or the header row is empty. */
  'imports.no_header': {
    kind: 'invalid',
    zh: '导入文件没有表头行',
    en: 'The import file has no header row',
  },
  /**
   * The CSV text cannot be read as CSV, e.g. a quote opened and never closed, or a record over
   * the size limit (`details.line`: the text line where reading stopped; `details.reason`:
   * a code such as CSV_QUOTE_NOT_CLOSED, never the cell, which may hold personal data).
   */
  'imports.csv_unreadable': {
    kind: 'invalid',
    zh: 'CSV 文件第 {line} 行无法读取（{reason}）',
    en: 'Line {line} of the CSV file cannot be read ({reason})',
  },
  /** The workbook is damaged or not what it claims (`details.reason`: the reader's message). */
  'imports.xlsx_unreadable': {
    kind: 'invalid',
    zh: 'Excel 文件无法读取（{reason}），请用 Excel 打开后重新另存为 .xlsx',
    en: 'The Excel file cannot be read ({reason}); open it in Excel and save it as .xlsx again',
  },
  /**
   * A column mapping (an import profile saved earlier, or one the user chose) names a column the
   * file does not have. `details.field` is the field's key, `details.column` the column as the
   * mapping names it (a header, or `#3` for the third column).
   */
  'imports.mapping_invalid': {
    kind: 'invalid',
    zh: '列对应关系无效：字段 {field} 对应的列“{column}”不在文件中',
    en: 'The column mapping is invalid: column "{column}" of field {field} is not in the file',
  },
  /** An uploaded import file over the size limit (`details.limitBytes`). */
  'imports.file_too_large': {
    kind: 'too_large',
    zh: '导入文件过大（上限 {limitMb} MB）',
    en: 'The import file is too large (limit {limitMb} MB)',
  },
  /** The uploaded file does not exist (any more), or was uploaded by someone else. */
  'imports.file_not_found': { kind: 'not_found', zh: '导入文件不存在', en: 'Import file not found' },
  /** No import target has this key (`details.target`; `details.targets` lists the known ones). */
  'imports.unknown_target': {
    kind: 'invalid',
    zh: '没有名为 {target} 的导入对象',
    en: 'There is no import target {target}',
  },
  /** The import run does not exist, or was started by someone else. */
  'imports.run_not_found': { kind: 'not_found', zh: '导入任务不存在', en: 'Import run not found' },
  /** The import profile does not exist, or is of a target the caller may not import. */
  'imports.profile_not_found': {
    kind: 'not_found',
    zh: '导入方案 {name} 不存在',
    en: 'Import profile {name} not found',
  },
  /** The import profile is of another target than the import (`details.profileTarget`). */
  'imports.profile_target_mismatch': {
    kind: 'invalid',
    zh: '导入方案 {name} 用于 {profileTarget}，不能用于 {target}',
    en: 'Import profile {name} is for {profileTarget}, not {target}',
  },
  /**
   * The server stopped (restart, crash) while the import ran; its transaction never committed, so
   * nothing of it was written. Stored on the run, never answered to a request.
   */
  'imports.run_interrupted': {
    kind: 'unavailable',
    zh: '导入因服务重启而中断，未写入任何数据，请重新导入',
    en: 'The import was interrupted by a server restart; nothing was written, start it again',
  },
});
