import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { workingCalendarByCode } from '../calendar/calendar-clock.service.js';
import type { Duration, WorkingCalendar } from '../calendar/working-time.js';
import { addWorkingTime, isWorkingDay, parseDuration } from '../calendar/working-time.js';
import { escalateTargetToVisit } from '../campaigns/campaign-visits.service.js';
import { createCampaign, getCampaign, unreachableReason } from '../campaigns/campaigns.service.js';
import type { CaseTypeDefinition } from '../cases/case-type.schema.js';
import { findNode } from '../cases/case-type.schema.js';
import { listCases } from '../cases/case-views.service.js';
import { ZListCasesQuery } from '../cases/cases.schema.js';
import { transitionCase } from '../cases/cases.service.js';
import { describeUsers } from '../org/users.service.js';
import type { Delay, PackCampaignLine, PackCampaigns, TargetValue } from './pack.schema.js';
import type { Random } from './random.js';
import { createRandom } from './random.js';
import { createSimulation } from './simulation.js';

/*
 * The campaigns history of a pack: one dispatch campaign (派单) per month and product line,
 * created through the campaigns service from generated targets, and their follow-ups accepted
 * and resolved by the assigned managers through the case services, on a manual clock walking
 * through the period (as history.ts does), so every case, event, clock, notice and audit row is
 * what the product would have written at that moment. Generic: every word, share and text comes
 * from the pack's `campaigns` section.
 *
 * Reasons, reactivations, late and missing follow-ups are spread over each manager's targets as
 * quotas (a running deficit per outcome, from a random start) rather than drawn one by one, so a
 * campaign of a hundred targets shows the configured shares within a point or two; the order of
 * the targets is shuffled, so which target gets which outcome is still random.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;

export type ScheduledCampaign = {
  key: string;
  /** The month the list is about, yyyy-mm. */
  month: string;
  line: PackCampaignLine;
  /** Dispatch instant, ms. */
  at: number;
  /** The latest month of its product line (the one with follow-ups still missing). */
  latest: boolean;
};

export type CampaignHistorySummary = {
  from: string;
  to: string;
  /** Campaigns created now, and those found (by key) and left as they are. */
  created: string[];
  existing: string[];
  targets: number;
  followedUp: number;
  reactivated: number;
  /** Transitions done through the case services. */
  actions: number;
  failures: Array<{ externalKey: string; action: string; code: string }>;
  ms: number;
};

export type CampaignHistoryInput = {
  campaigns: PackCampaigns;
  type: CaseTypeDefinition;
  /** The pack's users as actors, by username. */
  users: ReadonlyMap<string, Actor>;
  unitIds: ReadonlyMap<string, number>;
  /** The campaigns to generate (`scheduleCampaigns`, without the existing ones). */
  schedule: readonly ScheduledCampaign[];
  existing: readonly string[];
  onProgress?: ((done: number, total: number) => void) | undefined;
};

const parseOffset = (text: string) => {
  const sign = text.startsWith('-') ? -1 : 1;
  return sign * (Number(text.slice(1, 3)) * HOUR + Number(text.slice(4, 6)) * MINUTE);
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The month `delta` months after yyyy-mm. */
const addMonths = (year: number, month: number, delta: number) => {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
};

/**
 * The campaigns of the pack up to `clock.now()`: for each of the latest `months` months whose
 * list has been dispatched by now, one per product line, dispatched on the configured working
 * day of the following month.
 */
export const scheduleCampaigns = async (
  campaigns: PackCampaigns,
  { db, clock }: { db: Db; clock: Clock },
): Promise<ScheduledCampaign[]> => {
  const calendar = await workingCalendarByCode({ code: campaigns.calendar }, { db });
  const offset = parseOffset(campaigns.utcOffset);
  const now = clock.now().getTime();
  const local = new Date(now + offset);
  const current = { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
  const dispatchDate = (year: number, month: number) => {
    let n = 0;
    for (let day = 1; day <= 31; day++) {
      const date = `${year}-${pad(month)}-${pad(day)}`;
      if (new Date(`${date}T00:00:00Z`).getUTCMonth() + 1 !== month) break;
      if (isWorkingDay({ calendar, date }) && ++n === campaigns.dispatchWorkingDay) return date;
    }
    return `${year}-${pad(month)}-01`;
  };
  const out: ScheduledCampaign[] = [];
  for (const line of campaigns.lines) {
    const mine: ScheduledCampaign[] = [];
    // The list of month m is dispatched in month m + 1: the current month's is not out yet.
    for (let back = campaigns.months + 1; back >= 1; back--) {
      const about = addMonths(current.year, current.month, -back);
      const sent = addMonths(about.year, about.month, 1);
      const at = Date.parse(
        `${dispatchDate(sent.year, sent.month)}T${line.dispatchTime}:00${campaigns.utcOffset}`,
      );
      if (at > now) continue;
      const month = `${about.year}-${pad(about.month)}`;
      mine.push({ key: `${month}-${line.key}`, month, line, at, latest: false });
    }
    const kept = mine.slice(-campaigns.months);
    if (kept.length > 0) kept[kept.length - 1]!.latest = true;
    out.push(...kept);
  }
  return out.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
};

/** The keys of the scheduled campaigns that exist already. */
export const existingCampaigns = async (
  schedule: readonly ScheduledCampaign[],
  { db }: { db: Db },
): Promise<string[]> => {
  const found: string[] = [];
  const system = systemActor('demo');
  for (const c of schedule)
    try {
      await getCampaign({ key: c.key }, { db, actor: system });
      found.push(c.key);
    } catch (error) {
      if (!(isAppError(error) && error.code === 'campaigns.not_found')) throw error;
    }
  return found;
};

const shuffle = <T>(items: T[], r: Random): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

/** A quota of yes/no over a sequence: yes about `p` of the time, never more than one off. */
const quota = (r: Random) => {
  let deficit = r.next();
  return (p: number) => {
    deficit += Math.min(1, Math.max(0, p));
    if (deficit < 1) return false;
    deficit -= 1;
    return true;
  };
};

/** Picks keys in proportion to weights over a sequence (smooth weighted round robin from a random start). */
const spread = <K extends string>(weights: Record<K, number>, r: Random) => {
  const keys = Object.keys(weights) as K[];
  const total = keys.reduce((sum, k) => sum + weights[k], 0);
  const deficit = new Map(keys.map((k) => [k, r.next()]));
  return (): K => {
    let best = keys[0]!;
    for (const k of keys) {
      deficit.set(k, deficit.get(k)! + weights[k] / total);
      if (deficit.get(k)! > deficit.get(best)!) best = k;
    }
    deficit.set(best, deficit.get(best)! - 1);
    return best;
  };
};

const fillText = (text: string, values: Record<string, unknown>) =>
  text.replace(/\{([^{}]+)\}/g, (whole, name: string) =>
    values[name] === undefined || values[name] === null ? whole : String(values[name]),
  );

const generateValue = (value: TargetValue, r: Random, unitLists: Record<string, string[]>): unknown => {
  if (typeof value !== 'object') return value;
  if ('oneOf' in value)
    return value.oneOf[
      Number(r.weighted(Object.fromEntries(value.oneOf.map(([, w], i) => [String(i), w]))))
    ]![0];
  if ('between' in value) {
    const [min, max] = value.between;
    const x = min + r.next() ** value.skew * (max - min);
    const decimals = Math.max(0, -Math.floor(Math.log10(value.step) + 1e-9));
    return Number((Math.round(x / value.step) * value.step).toFixed(decimals));
  }
  if ('phone' in value) return r.pick(value.phone) + pad(r.int(0, 99_999_999), 8);
  return value.pattern.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const range = /^(\d+)-(\d+)$/.exec(name);
    if (range) return pad(r.int(Number(range[1]), Number(range[2])), range[1]!.length);
    return r.pick(unitLists[name] ?? value.lists[name] ?? [name]);
  });
};

type FollowUp = {
  caseId: number;
  externalKey: string;
  assigneeId: number;
  data: Record<string, unknown>;
  reason: string | null;
  reactivated: boolean;
  late: boolean;
  /** Not followed up: left assigned, or accepted and left there. */
  missing: 'assigned' | 'accepted' | null;
  random: Random;
};

/** Generates the scheduled campaigns and their follow-ups through the services; ends at `clock.now()`. */
export const generateCampaignHistory = async (
  input: CampaignHistoryInput,
  { db, clock }: { db: Db; clock: Clock },
): Promise<CampaignHistorySummary> => {
  const began = Date.now();
  const { campaigns, type, schedule } = input;
  const end = clock.now().getTime();
  const start = schedule[0]?.at ?? end;
  const simClock = manualClock(new Date(start));
  const sim = createSimulation(simClock, end);
  const random = createRandom(campaigns.seed);
  const system = systemActor('demo');
  const calendar: WorkingCalendar = await workingCalendarByCode({ code: campaigns.calendar }, { db });
  const offset = parseOffset(campaigns.utcOffset);
  const summary: CampaignHistorySummary = {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    created: [],
    existing: [...input.existing],
    targets: 0,
    followedUp: 0,
    reactivated: 0,
    actions: 0,
    failures: [],
    ms: 0,
  };

  const dispatcher = input.users.get(campaigns.dispatcher);
  if (!dispatcher) throw new Error(`pack user ${campaigns.dispatcher} is missing`);
  const actorsById = new Map([...input.users.values()].map((a) => [a.userId, a]));
  const usernameById = new Map([...input.users].map(([name, a]) => [a.userId, name]));
  const actorById = async (userId: number): Promise<Actor> => {
    const known = actorsById.get(userId);
    if (known) return known;
    const facts = (await describeUsers({ userIds: [userId] }, { db })).get(userId);
    if (!facts) throw new Error(`user ${userId} vanished`);
    const actor: Actor = { kind: 'user', userId, name: facts.displayName, grants: facts.grants };
    actorsById.set(userId, actor);
    return actor;
  };
  const skewOf = (userId: number) => campaigns.skew.find((s) => s.user === usernameById.get(userId));

  const sample = (delay: Delay, from: number, r: Random): number => {
    const [a, b] = delay.map(parseDuration) as [Duration, Duration];
    if (a.kind === 'workingDays' || b.kind === 'workingDays') throw new Error('unreachable: validated');
    const ms = Math.round(r.between(a.ms, b.ms));
    if (a.kind === 'calendar') return from + ms;
    return addWorkingTime({ calendar, start: from, duration: { kind: 'working', ms } }).getTime();
  };
  /** The reason weights of a manager's targets: the line's, times his factors (a root's reaches its children). */
  const reasonWeights = (line: PackCampaignLine, userId: number) => {
    const factors = skewOf(userId)?.reasons ?? {};
    return Object.fromEntries(
      Object.entries(line.reasons).map(([key, w]) => {
        const lineage = [key, ...(findNode(type.reasons, key)?.path ?? [])];
        return [key, lineage.reduce((x, k) => x * (factors[k] ?? 1), w)];
      }),
    );
  };
  const isUnder = (key: string, roots: readonly string[]) =>
    [key, ...(findNode(type.reasons, key)?.path ?? [])].some((k) => roots.includes(k));
  const feedbackOf = (line: PackCampaignLine, reason: string, r: Random) => {
    const lineage = [reason, ...[...(findNode(type.reasons, reason)?.path ?? [])].reverse()];
    return r.pick(lineage.map((k) => line.feedback[k]).find((list) => list !== undefined)!);
  };

  let planned = 0;
  let done = 0;

  /** Plans who gets which outcome, per manager, as quotas over his shuffled targets. */
  const planFollowUps = (c: ScheduledCampaign, followUps: FollowUp[], r: Random) => {
    const byAssignee = new Map<number, FollowUp[]>();
    for (const f of followUps) byAssignee.set(f.assigneeId, [...(byAssignee.get(f.assigneeId) ?? []), f]);
    for (const [userId, mine] of [...byAssignee].sort(([a], [b]) => a - b)) {
      const g = r.fork(`assignee:${userId}`);
      const skew = skewOf(userId);
      shuffle(mine, g);
      const weights = reasonWeights(c.line, userId);
      const nextReason = spread(weights, g);
      const missingShare = c.latest ? campaigns.shares.notFollowedUp * (skew?.notFollowedUp ?? 1) : 0;
      const eligibleMass =
        Object.entries(weights)
          .filter(([k]) => isUnder(k, c.line.reactivation.reasons))
          .reduce((sum, [, w]) => sum + w, 0) / Object.values(weights).reduce((sum, w) => sum + w, 0);
      const reactivationShare = c.line.reactivation.share * (skew?.reactivation ?? 1);
      const pReactivated =
        eligibleMass > 0 ? reactivationShare / (eligibleMass * Math.max(0.05, 1 - missingShare)) : 0;
      const [missing, reactivated, late] = [quota(g), quota(g), quota(g)];
      for (const f of mine) {
        if (missing(missingShare)) {
          f.missing = f.random.chance(0.5) ? 'assigned' : 'accepted';
          continue;
        }
        f.reason = nextReason();
        f.reactivated = isUnder(f.reason, c.line.reactivation.reasons) && reactivated(pReactivated);
        f.late = late(campaigns.shares.late * (skew?.late ?? 1));
      }
    }
  };

  const runFollowUp = async (c: ScheduledCampaign, f: FollowUp) => {
    const r = f.random;
    const actor = await actorById(f.assigneeId);
    const step = async (input: Parameters<typeof transitionCase>[0]['input']) => {
      try {
        await transitionCase({ caseId: f.caseId, input }, { db, clock: simClock, actor });
        summary.actions++;
        return true;
      } catch (error) {
        if (!isAppError(error)) throw error;
        summary.failures.push({ externalKey: f.externalKey, action: input.action, code: error.code });
        return false;
      }
    };
    const finish = () => input.onProgress?.(++done, planned);
    if (f.missing === 'assigned') return finish();
    if (!(await sim.until(sample(campaigns.delays.accept, c.at, r)))) return finish();
    if (!(await step({ action: 'accept' })) || f.missing === 'accepted') return finish();
    const at = sample(f.late ? campaigns.delays.late : campaigns.delays.resolve, sim.now(), r);
    if (!(await sim.until(at))) return finish();
    const date = new Date(sim.now() + offset).toISOString().slice(0, 10);
    const values = { ...f.data, date };
    const outcome = Object.fromEntries(
      Object.entries(f.reactivated ? campaigns.outcome.reactivated : campaigns.outcome.notReactivated).map(
        ([key, v]) => [key, typeof v === 'string' ? fillText(v, values) : v],
      ),
    );
    const feedback =
      fillText(feedbackOf(c.line, f.reason!, r), values) +
      (f.reactivated ? fillText(r.pick(c.line.reactivatedFeedback), values) : '');
    if (await step({ action: 'resolve', reasonCode: f.reason!, feedback, outcome })) {
      summary.followedUp++;
      if (f.reactivated) summary.reactivated++;
      if (f.reason!.startsWith(`${unreachableReason}.`) && r.chance(campaigns.shares.visit))
        await escalateTargetToVisit(
          { campaign: c.key, externalKey: f.externalKey.slice(c.key.length + 1), input: {} },
          { db, clock: simClock, actor },
        ).catch((error: unknown) => {
          if (!isAppError(error)) throw error;
          summary.failures.push({ externalKey: f.externalKey, action: 'visit', code: error.code });
        });
    }
    finish();
  };

  const runCampaign = async (c: ScheduledCampaign) => {
    const r = random.fork(c.key);
    const [year, month] = c.month.split('-').map(Number) as [number, number];
    const count = r.int(c.line.targets[0], c.line.targets[1]);
    const unitWeights = Object.fromEntries(Object.entries(campaigns.units).map(([k, u]) => [k, u.weight]));
    const targets = [];
    const keys = new Set<string>();
    for (let i = 0; i < count; i++) {
      const t = r.fork(i);
      const unit = t.weighted(unitWeights);
      const lists = campaigns.units[unit]!.lists;
      let data: Record<string, unknown> = {};
      for (let attempt = 0; attempt < 10; attempt++) {
        data = Object.fromEntries(
          Object.entries(c.line.fields).map(([k, v]) => [k, generateValue(v, t, lists)]),
        );
        if (!keys.has(String(data[campaigns.targetKey]))) break;
      }
      const externalKey = String(data[campaigns.targetKey]);
      if (keys.has(externalKey)) continue;
      keys.add(externalKey);
      targets.push({ externalKey, unit, row: targets.length + 2, data });
    }
    const names = { year, month };
    try {
      await createCampaign(
        {
          key: c.key,
          name: fillText(c.line.name.zh, names),
          nameEn: fillText(c.line.name.en, names),
          caseType: campaigns.caseType,
          unitId: input.unitIds.get(campaigns.unit)!,
          category: c.line.category,
          rule: { by: 'unit_column', assignTo: 'unit_manager' },
          ...(campaigns.visitCaseType ? { visitCaseType: campaigns.visitCaseType } : {}),
          period: c.month,
          mode: 'all_or_nothing',
          targets: targets.map((t) => ({
            ...t,
            data: t.data as Record<string, string | number | boolean | null>,
          })),
        },
        { db, clock: simClock, actor: dispatcher },
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      summary.failures.push({ externalKey: c.key, action: 'createCampaign', code: error.code });
      return;
    }
    summary.created.push(c.key);
    summary.targets += targets.length;

    // The follow-up cases, through the case lists: their external key is `<campaign>:<target>`.
    const dataByKey = new Map(targets.map((t) => [`${c.key}:${t.externalKey}`, t.data]));
    const followUps: FollowUp[] = [];
    for (let page = 1; ; page++) {
      const list = await listCases(
        ZListCasesQuery.parse({
          q: `${c.key}:`,
          caseType: type.key,
          sort: 'created_asc',
          page,
          pageSize: 200,
        }),
        { db, clock: simClock, actor: system },
      );
      for (const item of list.items) {
        const data = item.externalKey ? dataByKey.get(item.externalKey) : undefined;
        if (!data || !item.assignee) continue;
        followUps.push({
          caseId: item.id,
          externalKey: item.externalKey!,
          assigneeId: item.assignee.id,
          data,
          reason: null,
          reactivated: false,
          late: false,
          missing: null,
          random: r.fork(item.externalKey!),
        });
      }
      if (page * list.pageSize >= list.total) break;
    }
    planFollowUps(c, followUps, r);
    planned += followUps.length;
    for (const f of followUps) sim.spawn(c.at, () => runFollowUp(c, f));
  };

  for (const c of schedule) sim.spawn(c.at, () => runCampaign(c));
  await sim.run();
  summary.ms = Date.now() - began;
  return summary;
};
