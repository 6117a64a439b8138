import type { Actor } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { calendarIdByCode } from '../calendar/calendar-clock.service.js';
import type { CaseTypeDefinition, CaseTypeDefinitionInput } from './case-type.schema.js';
import { ZCaseTypeDefinition } from './case-type.schema.js';
import type { CaseType } from './cases.schema.js';

/*
 * Case types are configuration: a validated definition stored as JSON. Changing one bumps its
 * version; every case of the type follows the current definition (its clocks are recomputed
 * from events at the next change, so a corrected time-limit table applies to open cases).
 */

export type LoadedCaseType = {
  id: number;
  key: string;
  name: string;
  nameEn: string | null;
  version: number;
  definition: CaseTypeDefinition;
};

const parsed = new Map<string, CaseTypeDefinition>(); // `${id}:${version}` → definition, shared across handles

const load = (row: {
  id: number;
  key: string;
  name: string;
  nameEn: string | null;
  version: number;
  definitionJson: string;
}): LoadedCaseType => {
  const cacheKey = `${row.id}:${row.version}:${row.definitionJson.length}`;
  let definition = parsed.get(cacheKey);
  if (!definition) {
    definition = ZCaseTypeDefinition.parse(JSON.parse(row.definitionJson));
    parsed.set(cacheKey, definition);
  }
  return { id: row.id, key: row.key, name: row.name, nameEn: row.nameEn, version: row.version, definition };
};

const selectType = (db: Executor) =>
  db
    .selectFrom('caseTypes')
    .select(['id', 'key', 'name', 'nameEn', 'version', 'definitionJson', 'active', 'createdAt', 'updatedAt']);

/** A case type by id, for other parts of the cases module (no permission check). */
export const caseTypeById = async (db: Executor, id: number): Promise<LoadedCaseType> => {
  const row = await selectType(db).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('cases.type_not_found', { key: String(id) });
  return load(row);
};

/** An active case type by key, or the `cases.unknown_type` input error naming `field`. */
export const caseTypeForInput = async (
  db: Executor,
  key: string,
  field = 'caseType',
): Promise<LoadedCaseType> => {
  const row = await selectType(db).where('key', '=', key).where('active', '=', 1).executeTakeFirst();
  if (!row) throw new AppError('cases.unknown_type', { key, field });
  return load(row);
};

const toCaseType = (
  row: Awaited<ReturnType<ReturnType<typeof selectType>['executeTakeFirstOrThrow']>>,
): CaseType => ({
  id: row.id,
  key: row.key,
  name: row.name,
  nameEn: row.nameEn,
  version: row.version,
  active: row.active === 1,
  definition: load(row).definition,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const listCaseTypes = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>): Promise<CaseType[]> => {
  requirePermission(actor, 'cases.read');
  return (await selectType(db).orderBy('id').execute()).map(toCaseType);
};

export const getCaseType = async (
  { key }: { key: string },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<CaseType> => {
  requirePermission(actor, 'cases.read');
  const row = await selectType(db).where('key', '=', key).executeTakeFirst();
  if (!row) throw new AppError('cases.type_not_found', { key });
  return toCaseType(row);
};

/** Every calendar the definition names must exist: a time limit counted in a missing calendar is a guess. */
const requireCalendars = async (db: Executor, definition: CaseTypeDefinition) => {
  const named: Array<{ field: string; calendar: string }> = [
    { field: 'calendar', calendar: definition.calendar },
    ...definition.clocks.flatMap((c, i) =>
      c.calendar ? [{ field: `clocks.${i}.calendar`, calendar: c.calendar }] : [],
    ),
  ];
  for (const { field, calendar } of named)
    if ((await calendarIdByCode({ code: calendar }, { db })) === undefined)
      throw new AppError('cases.calendar_missing', { field, calendar });
};

const validate = (input: unknown): CaseTypeDefinition => {
  const result = ZCaseTypeDefinition.safeParse(input);
  if (!result.success)
    throw new AppError('request.invalid', {
      issues: result.error.issues.map((i) => ({
        path: ['definition', ...i.path].join('.'),
        code: i.code,
        message: i.message,
      })),
    });
  return result.data;
};

/**
 * Creates or replaces a case type by key (packs and administrators). Runs in the caller's
 * transaction; audited; bumps the version when the definition changes.
 */
export const installCaseType = async (
  tx: Executor,
  input: CaseTypeDefinitionInput,
  { clock, actor, mode }: { clock: Clock; actor: Actor; mode: 'create' | 'update' | 'upsert' },
): Promise<LoadedCaseType> => {
  const definition = validate(input);
  await requireCalendars(tx, definition);
  const now = clock.now().toISOString();
  const existing = await selectType(tx).where('key', '=', definition.key).executeTakeFirst();
  if (existing && mode === 'create') throw new AppError('cases.type_key_taken', { key: definition.key });
  if (!existing && mode === 'update') throw new AppError('cases.type_not_found', { key: definition.key });
  const definitionJson = JSON.stringify(definition);
  const values = { name: definition.name, nameEn: definition.nameEn ?? null, definitionJson, updatedAt: now };
  if (existing) {
    if (existing.definitionJson !== definitionJson)
      await tx
        .updateTable('caseTypes')
        .set({ ...values, version: existing.version + 1, active: 1 })
        .where('id', '=', existing.id)
        .execute();
  } else {
    await tx
      .insertInto('caseTypes')
      .values({ key: definition.key, ...values, createdAt: now })
      .execute();
  }
  const row = await selectType(tx).where('key', '=', definition.key).executeTakeFirstOrThrow();
  if (!existing || existing.definitionJson !== definitionJson)
    await recordAudit(
      tx,
      {
        action: existing ? 'case_type.update' : 'case_type.create',
        entity: 'case_type',
        entityId: row.id,
        before: existing
          ? { version: existing.version, definition: JSON.parse(existing.definitionJson) as object }
          : null,
        after: { version: row.version, definition },
      },
      { actor, clock },
    );
  return load(row);
};

export const createCaseType = async (
  input: CaseTypeDefinitionInput,
  { db, clock, actor }: Deps,
): Promise<CaseType> => {
  requirePermission(actor, 'cases.configure');
  return db.transaction().execute(async (tx) => {
    const installed = await installCaseType(tx, input, { clock, actor, mode: 'create' });
    return toCaseType(await selectType(tx).where('id', '=', installed.id).executeTakeFirstOrThrow());
  });
};

export const updateCaseType = async (
  { key, definition }: { key: string; definition: CaseTypeDefinitionInput },
  { db, clock, actor }: Deps,
): Promise<CaseType> => {
  requirePermission(actor, 'cases.configure');
  if (definition.key !== key)
    throw new AppError('request.invalid', {
      issues: [{ path: 'body.key', code: 'custom', message: `must be ${key}` }],
    });
  return db.transaction().execute(async (tx) => {
    const installed = await installCaseType(tx, definition, { clock, actor, mode: 'update' });
    return toCaseType(await selectType(tx).where('id', '=', installed.id).executeTakeFirstOrThrow());
  });
};
