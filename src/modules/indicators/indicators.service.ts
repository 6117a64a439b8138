import { z } from 'zod';
import { requirePermission, systemActor } from '../../platform/access.js';
import type { Db, Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { unitsInScope } from '../org/unit-tree.cache.js';
import type { Unit } from '../org/org.schema.js';
import { toUnit } from '../org/units.service.js';
import { findAccount } from '../org/users.service.js';
import { getCaseType, listCaseTypes } from '../cases/case-types.service.js';
import { getCampaign } from '../campaigns/campaigns.service.js';
import type { IndicatorDefinition, IndicatorDefinitionInput } from './indicator.schema.js';
import { caseTypesOf, computedSources, ZIndicatorDefinition } from './indicator.schema.js';

/*
 * Indicator definitions: written by an administrator or a pack, validated against what exists (the
 * case types, clocks and campaigns a computed source reads, the units of the target rows, the
 * owner, the normalisation base), kept as JSON and read back typed.
 */

export type LoadedIndicator = {
  id: number;
  key: string;
  definition: IndicatorDefinition;
  ownerUserId: number | null;
  pack: string | null;
  createdAt: string;
  updatedAt: string;
};

export const ZIndicator = z
  .object({
    id: z.number().int(),
    key: z.string(),
    definition: ZIndicatorDefinition,
    ownerUserId: z.number().int().nullable(),
    pack: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Indicator' });
export type Indicator = z.infer<typeof ZIndicator>;

const parsedDefinitions = new Map<string, IndicatorDefinition>();

const toLoaded = (row: {
  id: number;
  key: string;
  definitionJson: string;
  ownerUserId: number | null;
  pack: string | null;
  createdAt: string;
  updatedAt: string;
}): LoadedIndicator => {
  // Parsed once per stored text: the dashboard reads every definition on each request.
  let definition = parsedDefinitions.get(row.definitionJson);
  if (!definition) {
    definition = ZIndicatorDefinition.parse(JSON.parse(row.definitionJson));
    if (parsedDefinitions.size > 1000) parsedDefinitions.clear();
    parsedDefinitions.set(row.definitionJson, definition);
  }
  const { definitionJson: _, ...rest } = row;
  return { ...rest, definition };
};

const selectIndicators = (db: Executor) =>
  db
    .selectFrom('indicators')
    .select(['id', 'key', 'definitionJson', 'ownerUserId', 'pack', 'createdAt', 'updatedAt']);

/** Every indicator, by key (no permission check: for the other indicator services). */
export const loadIndicators = async (db: Executor): Promise<LoadedIndicator[]> =>
  (await selectIndicators(db).orderBy('key').execute()).map(toLoaded);

/** One indicator by key, or `indicators.not_found`. */
export const loadIndicator = async (db: Executor, key: string): Promise<LoadedIndicator> => {
  const row = await selectIndicators(db).where('key', '=', key).executeTakeFirst();
  if (!row) throw new AppError('indicators.not_found', { key });
  return toLoaded(row);
};

export const listIndicators = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>): Promise<Indicator[]> => {
  requirePermission(actor, 'indicators.read');
  return loadIndicators(db);
};

export const getIndicator = async (
  { key }: { key: string },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<Indicator> => {
  requirePermission(actor, 'indicators.read');
  return loadIndicator(db, key);
};

/** Every unit by code, from the cached tree. */
export const unitsByCode = async (db: Executor): Promise<Map<string, Unit>> =>
  new Map((await unitsInScope(db, 'all', toUnit)).map((u) => [u.code, u]));

const unknown = (what: string, value: string, field: string) =>
  new AppError('indicators.unknown_reference', { what, value, field });

/** Whether `lookup` finds it: the other module's not-found error becomes a false. */
const exists = async (lookup: () => Promise<unknown>, notFound: string): Promise<boolean> => {
  try {
    await lookup();
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === notFound) return false;
    throw error;
  }
};

/**
 * The references of a definition that must exist, asked of the modules that own them (as the
 * system: a definition is organisation-wide); returns the owner's user id.
 */
const checkReferences = async (db: Executor, def: IndicatorDefinition): Promise<number | null> => {
  const deps = { db, actor: systemActor('indicators') };
  if (def.source.kind === 'computed') {
    const { clock, campaign } = def.source.params;
    const keys = caseTypesOf(def.source);
    for (const [i, key] of (keys ?? []).entries())
      if (!(await exists(() => getCaseType({ key }, deps), 'cases.type_not_found')))
        throw unknown(
          'case type',
          key,
          typeof def.source.params.caseType === 'string'
            ? 'source.params.caseType'
            : `source.params.caseType.${i}`,
        );
    if (clock !== undefined) {
      // The clock must be one of each listed type (of some type when none is listed).
      const types = keys
        ? await Promise.all(keys.map((key) => getCaseType({ key }, deps)))
        : await listCaseTypes(deps);
      const has = (t: (typeof types)[number]) => t.definition.clocks.some((c) => c.key === clock);
      if (keys ? !types.every(has) : !types.some(has)) throw unknown('clock', clock, 'source.params.clock');
    }
    if (
      campaign !== undefined &&
      !(await exists(() => getCampaign({ key: campaign }, deps), 'campaigns.not_found'))
    )
      throw unknown('campaign', campaign, 'source.params.campaign');
  }
  const units = await unitsByCode(db);
  def.targets.forEach((row, i) => {
    if (row.unit !== '*' && !units.has(row.unit)) throw unknown('unit', row.unit, `targets.${i}.unit`);
  });
  if (
    def.normalisation &&
    !(await selectIndicators(db).where('key', '=', def.normalisation.of).executeTakeFirst())
  )
    throw unknown('indicator', def.normalisation.of, 'normalisation.of');
  if (def.owner === undefined) return null;
  const owner = await findAccount({ username: def.owner }, { db });
  if (!owner) throw unknown('user', def.owner, 'owner');
  return owner.id;
};

/**
 * Creates an indicator or replaces its definition (by key); the same definition again writes
 * nothing. A computed indicator whose source
 * changed loses its stored values (they were computed from something else; the next recompute
 * fills them). Audited with the definition before and after.
 */
export const defineIndicator = async (
  { definition: input, pack = null }: { definition: IndicatorDefinitionInput; pack?: string | null },
  { db, clock, actor }: Deps,
): Promise<Indicator> => {
  requirePermission(actor, 'indicators.manage');
  const definition = ZIndicatorDefinition.parse(input);
  return (db as Db).transaction().execute(async (tx) => {
    const ownerUserId = await checkReferences(tx, definition);
    const now = clock.now().toISOString();
    const existing = await selectIndicators(tx).where('key', '=', definition.key).executeTakeFirst();
    const definitionJson = JSON.stringify(definition);
    let id: number;
    if (
      existing &&
      existing.definitionJson === definitionJson &&
      existing.ownerUserId === ownerUserId &&
      (pack ?? existing.pack) === existing.pack
    )
      return toLoaded(existing); // unchanged: nothing to write or audit (a pack loaded again)
    if (existing) {
      id = existing.id;
      const before = toLoaded(existing).definition;
      await tx
        .updateTable('indicators')
        .set({ definitionJson, ownerUserId, pack: pack ?? existing.pack, updatedAt: now })
        .where('id', '=', id)
        .execute();
      const sourceChanged =
        JSON.stringify(before.source) !== JSON.stringify(definition.source) ||
        before.aggregation !== definition.aggregation ||
        before.grain !== definition.grain;
      if (sourceChanged && before.source.kind === 'computed') {
        await tx.deleteFrom('indicatorValues').where('indicatorId', '=', id).execute();
        await tx.deleteFrom('indicatorValueVersions').where('indicatorId', '=', id).execute();
      }
      await recordAudit(
        tx,
        { action: 'indicator.update', entity: 'indicator', entityId: id, before, after: definition },
        { actor, clock },
      );
    } else {
      const row = await tx
        .insertInto('indicators')
        .values({ key: definition.key, definitionJson, ownerUserId, pack, createdAt: now, updatedAt: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
      await recordAudit(
        tx,
        { action: 'indicator.create', entity: 'indicator', entityId: id, after: definition },
        { actor, clock },
      );
    }
    return toLoaded(await selectIndicators(tx).where('id', '=', id).executeTakeFirstOrThrow());
  });
};

/** The computed sources with their measure and parameters, for the definition form. */
export const listComputedSources = () =>
  Object.entries(computedSources).map(([key, s]) => ({
    key,
    measure: s.measure,
    params: [...s.params],
    required: [...s.required],
  }));
