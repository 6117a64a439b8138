import type { Actor } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Deps } from '../../platform/deps.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import type { CaseTypeDefinition } from '../cases/case-type.schema.js';
import { installCaseType, listCaseTypes } from '../cases/case-types.service.js';
import { listCases } from '../cases/case-views.service.js';
import { ZListCasesQuery } from '../cases/cases.schema.js';
import { createCustomer, listCustomers } from '../customers/customers.service.js';
import { ZListCustomersQuery } from '../customers/customers.schema.js';
import { ZListPeopleQuery } from '../org/org.schema.js';
import type { RecomputeResult } from '../indicators/indicator-compute.service.js';
import { recomputeIndicators } from '../indicators/indicator-compute.service.js';
import { loadIndicatorValues } from '../indicators/indicator-load.service.js';
import { ZIndicatorDefinition } from '../indicators/indicator.schema.js';
import { storedValues } from '../indicators/indicator-values.service.js';
import { defineIndicator, loadIndicators } from '../indicators/indicators.service.js';
import { createPerson, listPeople } from '../org/people.service.js';
import { createUnit, getUnitByCode } from '../org/units.service.js';
import { actorOfUser, createUser, getUserByUsername } from '../org/users.service.js';
import type { CampaignHistorySummary, ScheduledCampaign } from './campaign-history.js';
import { existingCampaigns, generateCampaignHistory, scheduleCampaigns } from './campaign-history.js';
import type { HistorySummary, Resident } from './history.js';
import { generateHistory } from './history.js';
import { generateSeriesRows, monthsBefore } from './indicator-history.js';
import { readPack } from './pack-files.js';
import type { CampaignsOverride, HistoryOverride, Pack } from './pack.schema.js';
import { withCampaignsOverride, withHistoryOverride, ZPack } from './pack.schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import { generateResidents } from './residents.js';

/*
 * Loading a pack: ensures its units, people, users, customers and case types, then generates
 * its history. Everything goes through the owning modules' services, so it is validated and
 * audited like any other change. Idempotent: what exists (by unit code, employee number,
 * username, customer external key, case-type key) is kept as it is, and the history is
 * generated only when none of its cases (by external-key prefix) exists yet.
 *
 * Then the pack's indicators: defined (an unchanged definition is left alone, so a second load
 * writes no audit row), the generated series loaded for each loaded indicator that has no values
 * yet (one load per indicator: all or nothing), and the computed ones recomputed over the range of
 * the pack's history and campaigns (a recompute writes only differences: nothing the second time).
 */

export type PackProgress = {
  phase: 'units' | 'people' | 'users' | 'customers' | 'caseTypes' | 'history' | 'campaigns' | 'indicators';
  done: number;
  total: number;
};

export type LoadPackInput = {
  key: string;
  /** Changes to the pack's history for this load (a shorter one in tests); false: no history and no campaigns. */
  history?: HistoryOverride | false | undefined;
  /** Changes to the pack's campaigns for this load (fewer months in tests); false: none. */
  campaigns?: CampaignsOverride | false | undefined;
  /** Password of the demo users this load creates (existing users keep theirs). */
  password: string;
  onProgress?: ((progress: PackProgress) => void) | undefined;
};

export type PackLoadSummary = {
  key: string;
  name: Pack['name'];
  units: { created: string[]; existing: number };
  people: { created: number; existing: number };
  users: { created: string[]; existing: string[] };
  customers: { created: number; existing: number };
  caseTypes: { installed: string[]; unchanged: string[] };
  history:
    | ({ generated: true } & HistorySummary)
    | { generated: false; reason: 'not_requested' | 'already_present' | 'none_in_pack' };
  campaigns:
    | ({ generated: true } & CampaignHistorySummary)
    | { generated: false; reason: 'not_requested' | 'already_present' | 'none_in_pack' };
  indicators: { defined: string[]; updated: string[]; unchanged: string[] };
  /** Generated series: loaded now (rows, months), or present already (not loaded again). */
  series: {
    loaded: Array<{ key: string; rows: number; from: string; to: string }>;
    existing: string[];
  };
  /** The recompute of the pack's computed indicators over its history's days; null: none to do. */
  recompute: ({ from: string; to: string } & RecomputeResult) | null;
  /** Cases of the pack's types by view, as of the end of the load. */
  views: CaseViewCounts;
};

export type CaseViewCounts = {
  total: number;
  open: number;
  /** Open cases whose worst clock is at risk (past its at-risk share, not yet due). */
  atRisk: number;
  overdue: number;
  paused: number;
  awaitingCallback: number;
  closed: number;
  cancelled: number;
};

const DAY = 86_400_000;

/** Calls `find`; an AppError with code `missing` means "not there" (undefined). */
const findOr = async <T>(find: () => Promise<T>, missing: string): Promise<T | undefined> => {
  try {
    return await find();
  } catch (error) {
    if (isAppError(error) && error.code === missing) return undefined;
    throw error;
  }
};

/** How many cases of the given types each list view shows now (through the cases module's lists). */
export const countCaseViews = async (
  { caseTypes }: { caseTypes: readonly string[] },
  deps: Deps,
): Promise<CaseViewCounts> => {
  const count = async (query: Record<string, unknown>) => {
    let total = 0;
    for (const caseType of caseTypes)
      total += (await listCases(ZListCasesQuery.parse({ ...query, caseType, pageSize: 1 }), deps)).total;
    return total;
  };
  let atRisk = 0;
  for (const caseType of caseTypes)
    for (let page = 1; ; page++) {
      const list = await listCases(
        ZListCasesQuery.parse({ open: 'true', caseType, page, pageSize: 200 }),
        deps,
      );
      atRisk += list.items.filter((c) => c.clockStatus === 'at_risk').length;
      if (page * list.pageSize >= list.total) break;
    }
  return {
    total: await count({}),
    open: await count({ open: 'true' }),
    atRisk,
    overdue: await count({ view: 'overdue' }),
    paused: await count({ status: 'paused' }),
    awaitingCallback: await count({ view: 'callbacks_due' }),
    closed: await count({ status: 'closed' }),
    cancelled: await count({ status: 'cancelled' }),
  };
};

/**
 * Loads a pack into the database (see the module comment). Needs an actor who may manage users
 * and configure cases everywhere: the CLI and first start use the system actor.
 */
export const loadPack = async (
  input: LoadPackInput,
  { db, clock, actor }: Deps,
): Promise<PackLoadSummary> => {
  requirePermission(actor, 'users.manage');
  requirePermission(actor, 'cases.configure');
  let pack = readPack(input.key);
  if (pack.history && input.history)
    pack = ZPack.parse({ ...pack, history: withHistoryOverride(pack.history, input.history) });
  if (pack.campaigns && input.campaigns)
    pack = ZPack.parse({ ...pack, campaigns: withCampaignsOverride(pack.campaigns, input.campaigns) });
  const progress = (phase: PackProgress['phase'], done: number, total: number) =>
    input.onProgress?.({ phase, done, total });
  await ensureStandardCalendar({ db, clock });

  const prefix = pack.history?.externalKeyPrefix;
  const historyPresent =
    prefix !== undefined &&
    (await listCases(ZListCasesQuery.parse({ q: prefix, pageSize: 20 }), { db, clock, actor })).items.some(
      (c) => c.externalKey?.startsWith(prefix),
    );
  const generate = pack.history !== undefined && input.history !== false && !historyPresent;
  // The campaigns are generated by key: those of the months now due that do not exist yet.
  const wantCampaigns = pack.campaigns !== undefined && input.history !== false && input.campaigns !== false;
  const schedule = wantCampaigns ? await scheduleCampaigns(pack.campaigns!, { db, clock }) : [];
  const campaignsPresent = await existingCampaigns(schedule, { db });
  const toCampaign: ScheduledCampaign[] = schedule.filter((c) => !campaignsPresent.includes(c.key));
  // What the history will need is created just before it starts, so no case predates its
  // technician, customer or type; with no history to generate, it is created now.
  const starts = [
    ...(generate ? [clock.now().getTime() - pack.history!.days * DAY] : []),
    ...(toCampaign.length > 0 ? [toCampaign[0]!.at] : []),
  ];
  const installAt = starts.length > 0 ? new Date(Math.min(...starts) - 3_600_000) : clock.now();
  const deps: Deps = { db, clock: manualClock(installAt), actor };

  // Units, parents first.
  const unitIds = new Map<string, number>();
  const units = { created: [] as string[], existing: 0 };
  for (const [i, u] of pack.units.entries()) {
    const found = await findOr(() => getUnitByCode({ code: u.code }, deps), 'org.unit_not_found');
    if (found) {
      unitIds.set(u.code, found.id);
      units.existing++;
    } else {
      const parentId = u.parent === null ? null : unitIds.get(u.parent);
      if (parentId === undefined) throw new AppError('packs.unit_missing', { unit: u.parent });
      const created = await createUnit(
        { parentId, code: u.code, name: u.name, nameEn: u.nameEn, kind: u.kind, sortOrder: u.sortOrder },
        deps,
      );
      unitIds.set(u.code, created.id);
      units.created.push(u.code);
    }
    progress('units', i + 1, pack.units.length);
  }

  // People, by employee number.
  const personIds = new Map<string, number>();
  const people = { created: 0, existing: 0 };
  for (const [i, p] of pack.people.entries()) {
    const matches = await listPeople(ZListPeopleQuery.parse({ q: p.employeeNo, pageSize: 200 }), deps);
    const found = matches.items.find((x) => x.employeeNo === p.employeeNo);
    if (found) {
      personIds.set(p.employeeNo, found.id);
      people.existing++;
    } else {
      const { unit, ...fields } = p;
      const created = await createPerson({ ...fields, unitId: unitIds.get(unit)! }, deps);
      personIds.set(p.employeeNo, created.id);
      people.created++;
    }
    progress('people', i + 1, pack.people.length);
  }

  // Users, by username; an existing account is kept as it is (its password too).
  const actors = new Map<string, Actor>();
  const users = { created: [] as string[], existing: [] as string[] };
  for (const [i, u] of pack.users.entries()) {
    let user = await findOr(() => getUserByUsername({ username: u.username }, deps), 'org.user_not_found');
    if (user) users.existing.push(u.username);
    else {
      const values = {
        username: u.username,
        displayName: u.displayName,
        password: input.password,
        grants: u.grants.map((g) => ({ role: g.role, unitId: unitIds.get(g.unit)! })),
      };
      const personId = u.person === undefined ? null : (personIds.get(u.person) ?? null);
      try {
        user = await createUser({ ...values, personId }, deps);
      } catch (error) {
        // The person has an account of his own already: the demo account goes without the link.
        if (!(isAppError(error) && error.code === 'org.person_already_linked')) throw error;
        user = await createUser({ ...values, personId: null }, deps);
      }
      users.created.push(u.username);
    }
    actors.set(u.username, actorOfUser(user));
    progress('users', i + 1, pack.users.length);
  }

  // Customers, by external key.
  const generated = pack.residents ? generateResidents(pack.residents) : [];
  const existingCustomers = new Map<string, number>();
  for (const unit of new Set(generated.map((g) => g.unit))) {
    for (let page = 1; ; page++) {
      const list = await listCustomers(
        ZListCustomersQuery.parse({ unitId: String(unitIds.get(unit)), page: String(page), pageSize: '200' }),
        deps,
      );
      for (const c of list.items) if (c.externalKey) existingCustomers.set(c.externalKey, c.id);
      if (page * list.pageSize >= list.total) break;
    }
  }
  const customers = { created: 0, existing: 0 };
  const residents: Resident[] = [];
  for (const [i, g] of generated.entries()) {
    let id = existingCustomers.get(g.externalKey);
    if (id !== undefined) customers.existing++;
    else {
      id = (
        await createCustomer(
          {
            unitId: unitIds.get(g.unit)!,
            externalKey: g.externalKey,
            name: g.name,
            kind: pack.residents!.kind,
            phone: g.phone,
            address: g.address,
            building: g.building,
            room: g.room,
            tags: g.tags,
          },
          deps,
        )
      ).id;
      customers.created++;
    }
    residents.push({ customerId: id, unit: g.unit, place: g.place });
    if ((i + 1) % 50 === 0 || i + 1 === generated.length) progress('customers', i + 1, generated.length);
  }

  // Case types, in one transaction; an unchanged definition keeps its version.
  const before = new Map((await listCaseTypes(deps)).map((t) => [t.key, t.version]));
  const installed = await db.transaction().execute(async (tx) => {
    const out: Array<{ key: string; version: number; definition: CaseTypeDefinition }> = [];
    for (const definition of pack.caseTypes)
      out.push(await installCaseType(tx, definition, { clock: deps.clock, actor, mode: 'upsert' }));
    return out;
  });
  progress('caseTypes', installed.length, installed.length);
  const caseTypes = {
    installed: installed.filter((t) => before.get(t.key) !== t.version).map((t) => t.key),
    unchanged: installed.filter((t) => before.get(t.key) === t.version).map((t) => t.key),
  };

  const history: PackLoadSummary['history'] =
    generate && pack.history
      ? {
          generated: true,
          ...(await generateHistory(
            {
              history: pack.history,
              types: new Map(installed.map((t) => [t.key, t.definition])),
              users: actors,
              unitIds,
              residents,
              buildings: pack.residents?.buildings ?? [],
              roomFormat: pack.residents?.roomFormat ?? '',
              onProgress: (done, total) => progress('history', done, total),
            },
            { db, clock },
          )),
        }
      : {
          generated: false,
          reason: !pack.history
            ? 'none_in_pack'
            : input.history === false
              ? 'not_requested'
              : 'already_present',
        };

  const campaignType = pack.campaigns && installed.find((t) => t.key === pack.campaigns!.caseType);
  const campaigns: PackLoadSummary['campaigns'] =
    pack.campaigns && campaignType && toCampaign.length > 0
      ? {
          generated: true,
          ...(await generateCampaignHistory(
            {
              campaigns: pack.campaigns,
              type: campaignType.definition,
              users: actors,
              unitIds,
              schedule: toCampaign,
              existing: campaignsPresent,
              onProgress: (done, total) => progress('campaigns', done, total),
            },
            { db, clock },
          )),
        }
      : {
          generated: false,
          reason: !pack.campaigns ? 'none_in_pack' : !wantCampaigns ? 'not_requested' : 'already_present',
        };

  // ---- indicators: definitions, generated series, recompute --------------------------------
  const indicatorDeps: Deps = { db, clock, actor };
  const stored = new Map((await loadIndicators(db)).map((i) => [i.key, i]));
  const indicators: PackLoadSummary['indicators'] = { defined: [], updated: [], unchanged: [] };
  for (const definition of pack.indicators) {
    const existing = stored.get(definition.key);
    const same =
      existing !== undefined &&
      existing.pack === pack.key &&
      JSON.stringify(existing.definition) === JSON.stringify(ZIndicatorDefinition.parse(definition));
    if (same) indicators.unchanged.push(definition.key);
    else {
      stored.set(definition.key, await defineIndicator({ definition, pack: pack.key }, indicatorDeps));
      (existing ? indicators.updated : indicators.defined).push(definition.key);
    }
    progress(
      'indicators',
      indicators.defined.length + indicators.updated.length + indicators.unchanged.length,
      pack.indicators.length,
    );
  }

  const series: PackLoadSummary['series'] = { loaded: [], existing: [] };
  if (pack.series && input.history !== false) {
    const last = monthsBefore(
      reportingDayOf(clock.now().toISOString()).slice(0, 7),
      pack.series.endsMonthsAgo,
    );
    const generatedRows = generateSeriesRows({
      series: pack.series,
      definitions: new Map(pack.indicators.map((d) => [d.key, d])),
      last,
    });
    const seriesUnitIds = Object.values(pack.series.groups)
      .flat()
      .map((code) => unitIds.get(code)!);
    for (const { key, months, rows } of generatedRows) {
      const indicator = stored.get(key)!;
      // Values of the range already there (an earlier load, or loaded by hand): left as they are.
      const present = await storedValues(db, indicator.id, seriesUnitIds, [`${months[0]}-01`, `${last}-01`]);
      if (present.length > 0) series.existing.push(key);
      else {
        await loadIndicatorValues({ indicator: key, rows }, indicatorDeps);
        series.loaded.push({ key, rows: rows.length, from: months[0]!, to: last });
      }
    }
  }

  // The days the pack's cases and campaigns cover, from the earliest to today.
  const computed = pack.indicators.filter((d) => d.source.kind === 'computed').map((d) => d.key);
  const today = reportingDayOf(clock.now().toISOString());
  const firstDays = [
    ...(pack.history && input.history !== false
      ? [reportingDayOf(new Date(clock.now().getTime() - pack.history.days * DAY).toISOString())]
      : []),
    ...schedule.map((c) => `${c.month}-01`),
  ].sort();
  const recompute: PackLoadSummary['recompute'] =
    computed.length > 0 && firstDays.length > 0
      ? {
          from: firstDays[0]!,
          to: today,
          ...(await recomputeIndicators(
            { indicators: computed, from: firstDays[0], to: today },
            { db, clock },
          )),
        }
      : null;

  return {
    key: pack.key,
    name: pack.name,
    units,
    people,
    users,
    customers,
    caseTypes,
    history,
    campaigns,
    indicators,
    series,
    recompute,
    views: await countCaseViews({ caseTypes: pack.caseTypes.map((t) => t.key) }, { db, clock, actor }),
  };
};
