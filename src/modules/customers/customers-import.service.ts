import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import { requirePermission } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { ZId } from '../org/org.schema.js';
import { isUnitInScope, listUnits, parentUnitIdOf } from '../org/units.service.js';
import * as customersRepo from './customers.repo.js';
import type { CustomerRewrite } from './customers.repo.js';
import type { CustomerTag } from './customers.schema.js';
import { customerKinds, customerTags, ZCreateCustomerInput } from './customers.schema.js';
import type { CustomerTable } from './customers.tables.js';

/*
 * Importing customers from a CSV file (客户导入): the registry of subscribers, owners or power
 * users another system already holds, loaded in one go and loaded again when it changes.
 *
 * - All or nothing (DESIGN: "Nothing is half-imported"): every row is checked first with the
 *   field rules of createCustomer (its zod schema, not a copy), the unit and its scope, and
 *   duplicate keys in the file; the problems are reported per row as a spreadsheet numbers it
 *   (the header is row 1). With one bad row nothing is written, unless the caller chose
 *   `skip_bad_rows`: then the good rows are written and the bad ones reported, so the import
 *   applies exactly what it reports.
 * - Idempotent by external key: a row whose key a customer holds already updates that customer
 *   (if it lies in the caller's customers.write scope), and a row that would change nothing is
 *   counted as unchanged. Rows without a key are always created.
 * - The file says what it knows: a column the file lacks leaves that field of an existing
 *   customer alone; an empty cell clears it. Unit and kind are never empty: an empty cell keeps
 *   the customer's unit and kind (a new customer gets the default unit and `person`).
 * - One transaction, multi-row INSERTs, and ONE audit row (`customer.import`) with the counts:
 *   the trail is read by auditors, so it holds no phone numbers (nor keys, which are often phone
 *   numbers for a telecom subscriber), and the SHA-256 of the file as its identity.
 */

export const customerImportModes = ['all_or_nothing', 'skip_bad_rows'] as const;
export type CustomerImportMode = (typeof customerImportModes)[number];

export const customerImportLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 100_000,
  /** At most this many problems travel in a reply; `skipped` and `rowCount` count all. */
  reportedProblems: 1000,
} as const;

/** Why a row is refused. */
export const customerImportProblemCodes = [
  'invalid', // a cell breaks the field's rule (the rules of createCustomer), or the row has extra cells
  'unit_required', // a new customer without 单元编码 and without a default unit
  'duplicate_key', // the external key is on an earlier row of the file
  'org.unit_not_found', // the unit code does not exist or is outside the caller's customers.write scope
  'customers.external_key_taken', // the key belongs to a customer outside the caller's customers.write scope
] as const;
export type CustomerImportProblemCode = (typeof customerImportProblemCodes)[number];

export const ZCustomerImportProblem = z
  .object({
    /** The row as a spreadsheet numbers it: the header is row 1, the first customer row 2. */
    row: z.number().int(),
    /** The field (`name`, `phone`, `unitCode` …), or `(row)` for the row as a whole. */
    field: z.string(),
    code: z.enum(customerImportProblemCodes),
    /** Never holds a phone number. */
    message: z.string(),
  })
  .meta({ id: 'CustomerImportProblem' });
export type CustomerImportProblem = z.infer<typeof ZCustomerImportProblem>;

export const ZCustomerImportResult = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    /** Rows left out under `skip_bad_rows` (0 otherwise: a bad row refuses the import). */
    skipped: z.number().int(),
    /** The problems of the skipped rows (at most 1,000). */
    problems: z.array(ZCustomerImportProblem),
  })
  .meta({ id: 'CustomerImportResult' });
export type CustomerImportResult = z.infer<typeof ZCustomerImportResult>;

export const ZImportCustomersQuery = z.object({
  /** `all_or_nothing` (default): one bad row and nothing is written. `skip_bad_rows`: write the good rows. */
  mode: z.enum(customerImportModes).default('all_or_nothing'),
  /** The unit of new customers whose row has no 单元编码. */
  defaultUnitId: ZId.optional(),
});

export type ImportCustomersInput = {
  /** The CSV file: UTF-8, with or without a byte-order mark, a header row first. */
  csv: string | Buffer;
  mode?: CustomerImportMode | undefined;
  defaultUnitId?: number | undefined;
};

/* ---------- the file ---------- */

/** The columns by field, each with the header names it accepts (Chinese first). */
export const customerImportColumns = {
  externalKey: ['外部编号', 'externalKey'],
  name: ['姓名', '名称', 'name'],
  kind: ['类型', 'kind'],
  unitCode: ['单元编码', 'unitCode'],
  phone: ['电话', 'phone'],
  phone2: ['电话2', 'phone2'],
  address: ['地址', 'address'],
  building: ['楼栋', 'building'],
  room: ['房号', 'room'],
  tags: ['标签', 'tags'],
  notes: ['备注', 'notes'],
} as const;
type Column = keyof typeof customerImportColumns;

/** Header names compared trimmed and case-blind (`externalkey`, `Name`). */
const columnByHeader = new Map<string, Column>(
  Object.entries(customerImportColumns).flatMap(([column, headers]) =>
    headers.map((h) => [h.toLowerCase(), column as Column] as const),
  ),
);

type CustomerKind = (typeof customerKinds)[number];
/** The labels the UI shows, accepted beside the keys. Maps, not objects: a cell may say `constructor`. */
const kindByLabel = new Map<string, CustomerKind>([
  ['个人', 'person'],
  ['住户', 'household'],
  ['单位', 'company'],
]);
const tagByLabel = new Map<string, CustomerTag>([
  ['重点客户', 'key'],
  ['vip', 'vip'],
  ['敏感客户', 'sensitive'],
  ['老年人', 'elderly'],
]);
/** Tags in one cell: `重点客户;老年人`, `重点客户、老年人` (and the full-width `；`). */
const tagSeparator = /[;；、]/;

/** The field rules of createCustomer; the unit comes from the unit code instead of an id. */
const ZImportedFields = ZCreateCustomerInput.omit({ unitId: true });

/** Refuses a file over the size limit (the CLI calls it before reading a file). */
export const checkImportSize = (bytes: number): void => {
  if (bytes > customerImportLimits.maxBytes) throw tooLarge();
};

const tooLarge = () =>
  new AppError('customers.import_too_large', {
    maxMb: customerImportLimits.maxBytes / (1024 * 1024),
    maxRows: customerImportLimits.maxRows,
  });

const decode = (csv: string | Buffer): string => {
  if (typeof csv === 'string') return csv.replace(/^\uFEFF/, '');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(csv); // drops a byte-order mark
  } catch {
    throw new AppError('customers.import_not_utf8');
  }
};

/** The records of the file, header first. */
const readRecords = (text: string): string[][] => {
  let records: string[][];
  try {
    // Row lengths are checked per row, to report them like any other problem; reading stops one
    // record past the limit, so a huge file is not parsed to the end only to be refused.
    records = parse(text, { relax_column_count: true, to: customerImportLimits.maxRows + 2 });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The code only: csv-parse's message quotes the cell, which may be a phone number.
    throw new AppError('customers.import_unreadable', {
      line: typeof error.lines === 'number' ? error.lines : null,
      reason: error.code,
    });
  }
  if (records.length - 1 > customerImportLimits.maxRows) throw tooLarge();
  return records;
};

const isBlank = (cell: string | undefined) => cell === undefined || cell.trim() === '';

/** The column of each field the header names; refuses unknown, repeated and missing columns. */
const mapHeader = (records: readonly string[][]): Map<Column, number> => {
  const header = records[0] ?? [];
  const columns = new Map<Column, number>();
  const unknown: string[] = [];
  const repeated: string[] = [];
  header.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') {
      // A nameless column is harmless while empty (a trailing comma); data in it is not.
      if (records.some((r, n) => n > 0 && !isBlank(r[i]))) unknown.push(`(column ${i + 1})`);
      return;
    }
    const column = columnByHeader.get(name.toLowerCase());
    if (!column) unknown.push(name);
    else if (columns.has(column)) repeated.push(name);
    else columns.set(column, i);
  });
  if (unknown.length > 0)
    throw new AppError('customers.import_unknown_columns', {
      columns: unknown.join(', '),
      unknown,
      accepted: Object.values(customerImportColumns).flat(),
    });
  if (repeated.length > 0) throw new AppError('customers.import_duplicate_column', { column: repeated[0] });
  if (!columns.has('name'))
    throw new AppError('customers.import_missing_column', {
      column: customerImportColumns.name[0],
      accepted: customerImportColumns.name,
    });
  return columns;
};

/* ---------- rows ---------- */

/** The customer columns a row sets: those whose column the file has (and a kind cell that is filled). */
type RowValues = Partial<
  Pick<
    CustomerTable,
    | 'externalKey'
    | 'name'
    | 'kind'
    | 'phone'
    | 'phone2'
    | 'address'
    | 'building'
    | 'room'
    | 'tagsJson'
    | 'notes'
  >
>;

type CheckedRow = {
  row: number;
  externalKey: string | null;
  unitCode: string | null;
  values?: RowValues;
  problems: CustomerImportProblem[];
};

/** The stored form of tags, as createCustomer writes it: known keys in the list's order. */
const tagsJson = (tags: readonly CustomerTag[]) =>
  JSON.stringify(customerTags.filter((t) => tags.includes(t)));

const kindHint = `use ${[...kindByLabel.keys()].join(', ')} or ${customerKinds.join(', ')}`;
const tagHint = `use 重点客户, VIP, 敏感客户, 老年人 or ${customerTags.join(', ')}`;

/** A row on its own: its shape and the field rules. `index` is its place in the records (header 0). */
const checkRow = (
  record: readonly string[],
  index: number,
  columns: Map<Column, number>,
  headerLength: number,
): CheckedRow => {
  const row = index + 1;
  const cell = (column: Column) => {
    const i = columns.get(column);
    return i === undefined ? undefined : (record[i] ?? '').trim();
  };
  /** A text field: absent when the file has no such column, null when the cell is empty. */
  const text = (column: Column) => {
    const value = cell(column);
    if (value === undefined) return undefined;
    return value === '' ? null : value;
  };
  const externalKey = cell('externalKey') || null;
  const unitCode = cell('unitCode') || null;
  const problems: CustomerImportProblem[] = [];

  if (record.slice(headerLength).some((c) => c.trim() !== ''))
    problems.push({
      row,
      field: '(row)',
      code: 'invalid',
      message: `the row has ${record.length} cells, the header ${headerLength}`,
    });

  const kindCell = cell('kind') || undefined;
  const tagTokens = [
    ...new Set(
      (cell('tags') ?? '')
        .split(tagSeparator)
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean)
        .map((t) => tagByLabel.get(t) ?? t),
    ),
  ];
  const parsed = ZImportedFields.safeParse({
    externalKey,
    name: cell('name') ?? '',
    kind: kindCell === undefined ? undefined : (kindByLabel.get(kindCell) ?? kindCell.toLowerCase()),
    phone: text('phone'),
    phone2: text('phone2'),
    address: text('address'),
    building: text('building'),
    room: text('room'),
    tags: tagTokens,
    notes: text('notes'),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '(row)');
      // zod's messages never quote the value, so a phone number never reaches the reply; the
      // kind and tag messages do quote theirs, with the labels a Chinese file may use.
      const message =
        field === 'kind' && issue.code === 'invalid_value'
          ? `unknown kind "${kindCell}": ${kindHint}`
          : field === 'tags' && issue.path.length > 1
            ? `unknown tag "${String(tagTokens[Number(issue.path[1])])}": ${tagHint}`
            : issue.message;
      problems.push({ row, field, code: 'invalid', message });
    }
    return { row, externalKey, unitCode, problems };
  }
  const data = parsed.data;
  const values: RowValues = { name: data.name, externalKey: data.externalKey ?? null };
  if (kindCell !== undefined) values.kind = data.kind;
  if (columns.has('phone')) values.phone = data.phone || null;
  if (columns.has('phone2')) values.phone2 = data.phone2 || null;
  for (const column of ['address', 'building', 'room', 'notes'] as const)
    if (columns.has(column)) values[column] = data[column] ?? null;
  if (columns.has('tags')) values.tagsJson = tagsJson(data.tags);
  return { row, externalKey, unitCode, values: problems.length === 0 ? values : undefined, problems };
};

/** The columns of `values` that differ from the stored customer. */
const changesOf = (current: Selectable<CustomerTable>, values: Updateable<CustomerTable>) =>
  Object.fromEntries(
    Object.entries(values).filter(([column, value]) => current[column as keyof CustomerTable] !== value),
  ) as Updateable<CustomerTable>;

/** The deepest unit that contains all the given units (null when they share no root). */
const commonAncestor = async (tx: Executor, unitIds: Iterable<number>): Promise<number | null> => {
  const lineage = async (unitId: number) => {
    const chain: number[] = [];
    for (let id: number | null = unitId; id !== null; id = await parentUnitIdOf({ unitId: id }, { db: tx }))
      chain.push(id);
    return chain;
  };
  const [first, ...others] = [...new Set(unitIds)];
  if (first === undefined) return null;
  const candidates = await lineage(first);
  const otherChains = await Promise.all(others.map(async (u) => new Set(await lineage(u))));
  return candidates.find((id) => otherChains.every((chain) => chain.has(id))) ?? null;
};

const importInvalid = (problems: readonly CustomerImportProblem[]) =>
  new AppError('customers.import_invalid', {
    rowCount: new Set(problems.map((p) => p.row)).size,
    problemCount: problems.length,
    problems: problems.slice(0, customerImportLimits.reportedProblems),
  });

/* ---------- the service ---------- */

/**
 * Imports customers from a CSV file in one transaction: creates the rows without a known key,
 * updates the customers whose key a row holds, and reports created, updated and unchanged.
 * Any bad row refuses the whole file with `customers.import_invalid` (the problems per row),
 * unless `mode: 'skip_bad_rows'`. Needs customers.write on every row's unit.
 */
export const importCustomers = async (
  input: ImportCustomersInput,
  { db, clock, actor }: Deps,
): Promise<CustomerImportResult> => {
  const writeRoots = requirePermission(actor, 'customers.write');
  const mode = input.mode ?? 'all_or_nothing';
  const bytes = typeof input.csv === 'string' ? Buffer.from(input.csv, 'utf8') : input.csv;
  checkImportSize(bytes.length);
  const fileSha256 = createHash('sha256').update(bytes).digest('hex');

  // 1. The file and every row on its own: no database needed, so outside the transaction.
  const records = readRecords(decode(input.csv));
  const columns = mapHeader(records);
  const rows: CheckedRow[] = [];
  records.forEach((record, index) => {
    // A spreadsheet's empty row is not a customer; it keeps its number, as in the spreadsheet.
    if (index > 0 && !record.every((c) => c.trim() === ''))
      rows.push(checkRow(record, index, columns, records[0]!.length));
  });

  // A key twice in the file is a mistake whatever else is wrong with either row.
  const firstRowOfKey = new Map<string, number>();
  for (const r of rows) {
    if (r.externalKey === null) continue;
    const first = firstRowOfKey.get(r.externalKey);
    if (first === undefined) firstRowOfKey.set(r.externalKey, r.row);
    else {
      r.problems.push({
        row: r.row,
        field: 'externalKey',
        code: 'duplicate_key',
        message: `the external key is on row ${first} already`,
      });
      delete r.values;
    }
  }

  return db.transaction().execute(async (tx) => {
    const inScope = new Map<number, boolean>();
    const writable = async (unitId: number) => {
      let answer = inScope.get(unitId);
      if (answer === undefined) {
        answer = await isUnitInScope({ unitId, roots: writeRoots }, { db: tx });
        inScope.set(unitId, answer);
      }
      return answer;
    };
    if (input.defaultUnitId !== undefined && !(await writable(input.defaultUnitId)))
      throw new AppError('org.unit_not_found', { unitId: input.defaultUnitId });

    // 2. Units by code (the units the caller may read; the write scope is checked per unit).
    const unitIdOf = rows.some((r) => r.unitCode !== null)
      ? new Map((await listUnits({ db: tx, actor })).map((u) => [u.code, u.id]))
      : new Map<string, number>();
    const rowUnit = new Map<number, number>();
    for (const r of rows) {
      if (!r.values || r.unitCode === null) continue;
      const unitId = unitIdOf.get(r.unitCode);
      if (unitId !== undefined && (await writable(unitId))) rowUnit.set(r.row, unitId);
      else {
        r.problems.push({
          row: r.row,
          field: 'unitCode',
          code: 'org.unit_not_found',
          message: `unit ${r.unitCode} does not exist or is outside your customers.write scope`,
        });
        delete r.values;
      }
    }

    // 3. Existing customers by key: update them, or refuse when they are not the caller's to change.
    const existing = new Map(
      (
        await customersRepo.findCustomersByExternalKeysForUpdate(
          tx,
          rows.flatMap((r) => (r.values && r.externalKey !== null ? [r.externalKey] : [])),
        )
      ).map((c) => [c.externalKey!, c]),
    );
    const now = clock.now().toISOString();
    const inserts: Array<Insertable<CustomerTable>> = [];
    const updates: CustomerRewrite[] = [];
    const touchedUnits = new Set<number>();
    let unchanged = 0;
    for (const r of rows) {
      const values = r.values;
      if (!values) continue;
      const current = r.externalKey === null ? undefined : existing.get(r.externalKey);
      if (current) {
        if (!(await writable(current.unitId))) {
          r.problems.push({
            row: r.row,
            field: 'externalKey',
            code: 'customers.external_key_taken',
            message: 'the external key belongs to a customer outside your customers.write scope',
          });
          continue;
        }
        const changes = changesOf(current, { ...values, unitId: rowUnit.get(r.row) ?? current.unitId });
        if (Object.keys(changes).length === 0) unchanged += 1;
        else {
          const { externalKey: _key, createdAt: _created, ...kept } = current;
          updates.push({ ...kept, ...changes, updatedAt: now });
          touchedUnits.add(current.unitId).add(changes.unitId ?? current.unitId);
        }
        continue;
      }
      const unitId = rowUnit.get(r.row) ?? input.defaultUnitId;
      if (unitId === undefined) {
        r.problems.push({
          row: r.row,
          field: 'unitCode',
          code: 'unit_required',
          message: 'a new customer needs 单元编码 (unitCode) or a default unit',
        });
        continue;
      }
      // Every column in every row: a multi-row INSERT takes one column list.
      inserts.push({
        unitId,
        externalKey: values.externalKey ?? null,
        name: values.name!,
        kind: values.kind ?? 'person',
        phone: values.phone ?? null,
        phone2: values.phone2 ?? null,
        address: values.address ?? null,
        building: values.building ?? null,
        room: values.room ?? null,
        tagsJson: values.tagsJson ?? tagsJson([]),
        notes: values.notes ?? null,
        createdAt: now,
        updatedAt: now,
      });
      touchedUnits.add(unitId);
    }

    const problems = rows.flatMap((r) => r.problems).sort((a, b) => a.row - b.row);
    if (problems.length > 0 && mode === 'all_or_nothing') throw importInvalid(problems);

    // 4. Write: new customers in multi-row INSERTs, changed ones rewritten in multi-row UPDATEs.
    await customersRepo.insertCustomers(tx, inserts);
    await customersRepo.rewriteCustomers(tx, updates);

    const result: CustomerImportResult = {
      created: inserts.length,
      updated: updates.length,
      unchanged,
      skipped: new Set(problems.map((p) => p.row)).size,
      problems: problems.slice(0, customerImportLimits.reportedProblems),
    };
    // ONE audit row for the import: one per customer would bury the trail (see case.import).
    if (result.created + result.updated > 0)
      await recordAudit(
        tx,
        {
          action: 'customer.import',
          entity: 'customer_import',
          entityId: fileSha256,
          unitId: await commonAncestor(tx, touchedUnits),
          after: {
            mode,
            rows: rows.length,
            created: result.created,
            updated: result.updated,
            unchanged: result.unchanged,
            skipped: result.skipped,
            defaultUnitId: input.defaultUnitId ?? null,
            fileBytes: bytes.length,
          },
        },
        { actor, clock },
      );
    return result;
  });
};
