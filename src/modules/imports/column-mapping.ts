import { AppError } from '../../platform/errors/app-error.js';

/*
 * Which column of a file holds which field of an import target. Files come from many systems, each
 * with its own header names (用户号码, 手机号, 服务号码 …), so the mapping is guessed from the
 * headers and the labels each field accepts, shown to the user to confirm, and may be saved as an
 * import profile for the next file from the same system.
 */

export type MappingField = {
  key: string;
  /** The names a header may give the field: Chinese and English, with synonyms (['网格', '所属网格', 'grid', 'grid code']). */
  labels: readonly string[];
  required?: boolean;
};

/** The column (an index into the headers) of each mapped field. */
export type ColumnMapping = Record<string, number>;

export type GuessedMapping = {
  mapping: ColumnMapping;
  /** The headers no field took (empty headers left out). */
  unmatchedHeaders: string[];
  /** The keys of the required fields no column was found for. */
  missingRequired: string[];
};

/** A unit or note in brackets at the end of a header: 欠费金额(元), 金额（万元）, 日期[yyyy-mm-dd], 备注【选填】. */
const trailingBrackets = /\s*(?:\([^()]*\)|\[[^[\]]*\]|【[^【】]*】|〔[^〔〕]*〕)\s*$/u;
/** Everything that is not a letter, a digit or a CJK character: spaces, punctuation, symbols. */
const noise = /[\s\p{P}\p{S}]/gu;

/**
 * A header or label as it is compared: NFKC (full-width letters, digits and brackets become
 * half-width), lower case, without a trailing bracketed unit, spaces, punctuation and symbols.
 */
export const normaliseHeader = (text: string): string => {
  let s = text.normalize('NFKC').toLowerCase().trim();
  // Only a suffix, and never the whole header: `(备注)` keeps its content.
  for (;;) {
    const stripped = s.replace(trailingBrackets, '');
    if (stripped === s || stripped === '') break;
    s = stripped;
  }
  return s.replace(noise, '');
};

const hasCjk = (s: string) => /\p{Script=Han}/u.test(s);

/**
 * The shortest text one side must share with the other to match by containment: two Chinese
 * characters (网格), four Latin ones, so that `id` is not found inside `grid`.
 */
const longEnough = (s: string) => s.length >= (hasCjk(s) ? 2 : 4);

type Candidate = { field: number; column: number; exact: boolean; length: number };

/**
 * Guesses the column of each field from the headers: exact matches of the normalised texts first,
 * then a label contained in a header or a header in a label, the longest match winning. A column
 * goes to one field at most, and a field to one column (the first, when a file repeats a header).
 */
export const guessMapping = ({
  headers,
  fields,
}: {
  headers: readonly string[];
  fields: readonly MappingField[];
}): GuessedMapping => {
  const columns = headers.map(normaliseHeader);
  const candidates: Candidate[] = [];
  fields.forEach((field, f) => {
    const labels = [field.key, ...field.labels].map(normaliseHeader).filter((l) => l !== '');
    columns.forEach((column, c) => {
      if (column === '') return;
      let best: Candidate | null = null;
      for (const label of labels) {
        const exact = label === column;
        const shorter = label.length <= column.length ? label : column;
        const contained = !exact && longEnough(shorter) && (column.includes(label) || label.includes(column));
        if (!exact && !contained) continue;
        const candidate = { field: f, column: c, exact, length: shorter.length };
        if (!best || (exact && !best.exact) || (exact === best.exact && candidate.length > best.length))
          best = candidate;
      }
      if (best) candidates.push(best);
    });
  });
  // Exact before contained, then the longest match; ties go to the earlier field, then column.
  candidates.sort(
    (a, b) =>
      Number(b.exact) - Number(a.exact) || b.length - a.length || a.field - b.field || a.column - b.column,
  );
  const mapping: ColumnMapping = {};
  const taken = new Set<number>();
  for (const { field, column } of candidates) {
    const key = fields[field]!.key;
    if (key in mapping || taken.has(column)) continue;
    mapping[key] = column;
    taken.add(column);
  }
  return {
    mapping,
    unmatchedHeaders: headers.filter((h, c) => !taken.has(c) && h.trim() !== ''),
    missingRequired: fields.filter((f) => f.required && !(f.key in mapping)).map((f) => f.key),
  };
};

/**
 * A saved mapping (an import profile) made valid for a file: each field names its column by
 * header (compared as `normaliseHeader` does, so `欠费金额（元）` finds `欠费金额(元)`) or by
 * index. Headers survive a file whose columns moved; an index is for a file without usable
 * headers. Fields the target no longer has are dropped. Throws `imports.mapping_invalid` naming
 * the first column the file does not have.
 */
export const resolveMapping = ({
  saved,
  headers,
  fields,
}: {
  saved: Readonly<Record<string, string | number>>;
  headers: readonly string[];
  fields: readonly MappingField[];
}): GuessedMapping => {
  const columns = headers.map(normaliseHeader);
  const mapping: ColumnMapping = {};
  for (const { key } of fields) {
    if (!Object.hasOwn(saved, key)) continue;
    const column = saved[key]!;
    const name = typeof column === 'string' ? normaliseHeader(column) : '';
    const index =
      typeof column === 'number'
        ? Number.isInteger(column) && column >= 0 && column < headers.length
          ? column
          : -1
        : name === ''
          ? -1
          : columns.indexOf(name);
    if (index === -1)
      throw new AppError('imports.mapping_invalid', {
        field: key,
        column: typeof column === 'number' ? `#${column + 1}` : column,
      });
    mapping[key] = index;
  }
  const taken = new Set(Object.values(mapping));
  return {
    mapping,
    unmatchedHeaders: headers.filter((h, c) => !taken.has(c) && h.trim() !== ''),
    missingRequired: fields.filter((f) => f.required && !(f.key in mapping)).map((f) => f.key),
  };
};

/** A mapping to save as an import profile: each field's column by its header. */
export const savedMappingOf = (mapping: ColumnMapping, headers: readonly string[]): Record<string, string> =>
  Object.fromEntries(Object.entries(mapping).map(([field, column]) => [field, headers[column] ?? '']));

/** A row's cells by field key ('' for a cell the row lacks). */
export const applyMapping = (mapping: ColumnMapping, cells: readonly string[]): Record<string, string> => {
  const record: Record<string, string> = {};
  for (const key in mapping) record[key] = cells[mapping[key]!] ?? '';
  return record;
};
