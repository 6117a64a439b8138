// The data set of `bench/cases.bench.ts`: an organisation (1 company → 10 branches → 10 areas),
// ~320 users, customers, and N repair cases over the two years before `benchNow`, with their
// events, SLA clocks and callbacks. Units, the calendar and the case type go through the
// services; users, customers and cases are written with raw batched inserts, because the services
// write audit rows and notifications one case at a time (hours for 1,000,000 cases).
//
// Every case is first a *script* (registered at t0, assigned at t1, …). `playScript` turns a
// script into the rows the services would have written for it — same columns, same values: the
// clocks, next due time, breach flag and resolution time come from the same `computeClocks` and
// `resolutionWorkingMs` the services call, with the same `now` as the service's last refresh.
// `verifySeed` plays the same scripts through the real services (createCase, transitionCase,
// recordCallback) into a second database and compares both, table by table.
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { workingCalendarByCode } from '../src/modules/calendar/calendar-clock.service.js';
import { addWorkingTime, parseDuration } from '../src/modules/calendar/working-time.js';
import type { WorkingCalendar } from '../src/modules/calendar/working-time.js';
import type { LoadedCaseType } from '../src/modules/cases/case-types.service.js';
import { caseTypeForInput } from '../src/modules/cases/case-types.service.js';
import { refreshClocks } from '../src/modules/cases/case-clocks.service.js';
import { recordCallback } from '../src/modules/cases/case-callbacks.service.js';
import { drawnForCallback } from '../src/modules/cases/callback-policy.js';
import { createCase, transitionCase } from '../src/modules/cases/cases.service.js';
import type { TransitionInput } from '../src/modules/cases/cases.schema.js';
import type { CaseAction, CaseStatus } from '../src/modules/cases/lifecycle.js';
import { isOpenStatus, planTransition } from '../src/modules/cases/lifecycle.js';
import { computeClocks, resolutionWorkingMs } from '../src/modules/cases/sla.js';
import { createUnit } from '../src/modules/org/units.service.js';
import type { Actor, Grant } from '../src/platform/access.js';
import { systemActor } from '../src/platform/access.js';
import { manualClock } from '../src/platform/clock.js';
import type { Db } from '../src/platform/db/database.js';
import { createDatabase } from '../src/platform/db/database.js';
import { rebuildCaseFigures } from '../src/modules/cases/case-figure-days.js';
import { allMigrations, migrateToLatest } from '../src/platform/db/migrations.js';
import { installRepairType, repairType } from '../test/helpers/cases.js';

/**
 * Bump when the generated data changes, or when the services start writing other values (the
 * benchmark checks a sample of a cached file with `checkDerivedColumns` and stops if they differ;
 * `--verify-seed` compares everything). Cached files of another version are not reused.
 */
export const seedVersion = 5;

/** "Now" of the data set and of every measurement on it: a Friday, 10:30 in Asia/Shanghai. */
export const benchNow = Date.parse('2026-11-27T10:30:00+08:00');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The repair type of the tests, with callbacks for a 30 % sample of resolutions. */
const callbackPolicy = { within: '1wd', share: 0.3, reopenAtOrBelow: 2 };
const branchCount = 10;
const areasPerBranch = 10;
const techniciansPerArea = 3;
/** Share of cases left unfinished at some stage (a backlog), besides the ones still in flight at `benchNow`. */
const stuckShare = 0.03;
const cancelShare = 0.02;

const branchNames = ['城东', '城西', '城南', '城北', '高新', '滨江', '开发区', '老城', '新区', '湖滨'];

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32), so every run seeds the same data.

export type Random = () => number;
export const randomFrom = (seed: number): Random => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};
const between = (random: Random, lo: number, hi: number) => lo + random() * (hi - lo);
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

// ---------------------------------------------------------------------------------------------
// The organisation.

type Person = { id: number; name: string; grants: Grant[] };
export type Area = { unitId: number; technicians: Person[]; customers: { first: number; count: number } };
export type Branch = { unitId: number; name: string; manager: Person; desk: Person; areas: Area[] };
export type Org = {
  companyId: number;
  benchManager: Person;
  branches: Branch[];
  userNames: Map<number, string>;
};

export const actorOf = (person: Person): Actor => ({
  kind: 'user',
  userId: person.id,
  name: person.name,
  grants: person.grants,
});

const setupClock = () => manualClock('2024-11-01T09:00:00+08:00');

/**
 * Calendar, case type and units through the services; users and customers raw (a user created
 * through the service costs an argon2 hash; nobody logs in here). Identical in every database
 * built from the same arguments, so ids match between the raw and the service-played data sets.
 */
const seedOrganisation = async (db: Db, raw: SqliteDatabase.Database, customersPerArea: number) => {
  const clock = setupClock();
  await installRepairType(db, clock, { callback: callbackPolicy });
  const system = { db, clock, actor: systemActor('bench') };
  const company = await createUnit(
    { parentId: null, code: 'GK', name: '管控物业集团', kind: 'company' },
    system,
  );
  const units: Array<{ branch: number; unitId: number; name: string; areas: number[] }> = [];
  for (let b = 0; b < branchCount; b++) {
    const name = `${branchNames[b]}分公司`;
    const branch = await createUnit(
      { parentId: company.id, code: `GK-B${b + 1}`, name, kind: 'branch', sortOrder: b },
      system,
    );
    const areas: number[] = [];
    for (let a = 0; a < areasPerBranch; a++) {
      const area = await createUnit(
        {
          parentId: branch.id,
          code: `GK-B${b + 1}-A${a + 1}`,
          name: `${branchNames[b]}第${a + 1}片区`,
          kind: 'area',
          sortOrder: a,
        },
        system,
      );
      areas.push(area.id);
    }
    units.push({ branch: b, unitId: branch.id, name, areas });
  }

  const at = clock.now().toISOString();
  const insertUser = raw.prepare(
    `insert into users (username, display_name, person_id, password_hash, locale, active, created_at, updated_at)
     values (?, ?, null, '!bench-no-login', 'zh-CN', 1, ?, ?)`,
  );
  const insertGrant = raw.prepare(
    'insert into role_grants (user_id, role, unit_id, created_at) values (?, ?, ?, ?)',
  );
  const insertCustomer = raw.prepare(
    `insert into customers (unit_id, external_key, name, kind, phone, address, building, room, tags_json, created_at, updated_at)
     values (?, null, ?, 'person', ?, ?, ?, ?, '[]', ?, ?)`,
  );
  const userNames = new Map<number, string>();
  const user = (username: string, name: string, grants: Grant[]): Person => {
    const id = Number(insertUser.run(username, name, at, at).lastInsertRowid);
    for (const g of grants) insertGrant.run(id, g.role, g.unitId, at);
    userNames.set(id, name);
    return { id, name, grants };
  };
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡'];
  const given = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超'];
  const random = randomFrom(7);
  const personName = () => `${pick(random, surnames)}${pick(random, given)}${pick(random, given)}`;

  const org = raw.transaction((): Org => {
    const benchManager = user('bench-manager', '集团经理', [{ role: 'manager', unitId: company.id }]);
    const branches = units.map((u): Branch => {
      const manager = user(`b${u.branch + 1}-manager`, `${branchNames[u.branch]}经理`, [
        { role: 'manager', unitId: u.unitId },
      ]);
      const desk = user(`b${u.branch + 1}-desk`, `${branchNames[u.branch]}客服`, [
        { role: 'staff', unitId: u.unitId },
      ]);
      const areas = u.areas.map((areaId, a): Area => {
        const technicians = Array.from({ length: techniciansPerArea }, (_, k) =>
          user(`b${u.branch + 1}-a${a + 1}-t${k + 1}`, `${personName()}（维修）`, [
            { role: 'staff', unitId: areaId },
          ]),
        );
        let first = 0;
        for (let c = 0; c < customersPerArea; c++) {
          const building = 1 + (c % 20);
          const room = `${building}-${1 + (Math.floor(c / 20) % 4)}-${101 + (c % 17)}`;
          const id = Number(
            insertCustomer.run(
              areaId,
              personName(),
              `13${String(100_000_000 + Math.floor(random() * 899_999_999)).slice(0, 9)}`,
              `${branchNames[u.branch]}路 ${1 + (c % 300)} 号`,
              `${building} 栋`,
              room,
              at,
              at,
            ).lastInsertRowid,
          );
          if (c === 0) first = id;
        }
        return { unitId: areaId, technicians, customers: { first, count: customersPerArea } };
      });
      return { unitId: u.unitId, name: u.name, manager, desk, areas };
    });
    return { companyId: company.id, benchManager, branches, userNames };
  })();
  return org;
};

// ---------------------------------------------------------------------------------------------
// Case scripts.

export type Step =
  | { action: 'assign'; at: number; assigneeUserId: number }
  | { action: 'accept' | 'start' | 'resume'; at: number }
  | { action: 'pause'; at: number; pauseReason: string }
  | { action: 'resolve'; at: number; reasonCode: string; feedback: string }
  | { action: 'close'; at: number }
  | { action: 'cancel'; at: number; note: string }
  | { action: 'callback'; at: number; reached: boolean; satisfaction?: number; comment?: string };

export type CaseScript = {
  id: number;
  branch: Branch;
  unitId: number;
  createdAt: number;
  category: string;
  priority: string;
  customerId: number | null;
  externalKey: string | null;
  title: string;
  description: string | null;
  fields: { room: string; floors?: number };
  steps: Step[];
};

const titles: Record<string, string[]> = {
  leak: ['卫生间漏水', '厨房水管漏水', '楼上渗水', '阳台地漏返水', '水表井漏水'],
  water: ['停水报修', '水压不足', '下水道堵塞', '二次供水异常'],
  lighting: ['楼道灯不亮', '路灯损坏', '地下车库照明故障', '电梯厅灯闪烁', '单元门灯损坏'],
};
const reasons = ['wear', 'wear.pipe', 'misuse'];
const feedbacks = ['已更换配件，恢复正常', '已疏通，业主确认', '已维修，现场测试正常', '更换灯具'];
const comments = ['师傅很及时', '态度好', '希望以后早点来', '已解决'];

/**
 * The cases in registration order (ids 1…n). Registration instants are spread over the 730 days
 * before `benchNow`, mostly in the daytime. A case moves on until its script ends: closed,
 * cancelled, stuck at some open stage (`stuckShare`), or cut at `benchNow` (still in flight).
 */
export function* caseScripts(count: number, org: Org): Generator<CaseScript> {
  const random = randomFrom(20261127);
  const firstDay = Date.parse('2024-11-28T00:00:00+08:00');
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let t: number;
    do {
      const day = Math.floor(random() * 730);
      const timeOfDay = random() < 0.85 ? between(random, 8 * HOUR, 20 * HOUR) : random() * DAY;
      t = firstDay + day * DAY + timeOfDay;
    } while (t >= benchNow);
    times[i] = Math.floor(t / 1000) * 1000;
  }
  times.sort();

  const share = callbackPolicy.share;
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const createdAt = times[i]!;
    const branch = pick(random, org.branches);
    const area = pick(random, branch.areas);
    const unitId = random() < 0.05 ? branch.unitId : area.unitId;
    const r = random();
    const category = r < 0.4 ? 'leak' : r < 0.6 ? 'water' : 'lighting';
    const priority = random() < 0.15 ? 'urgent' : 'normal';
    const customerId =
      random() < 0.6 ? area.customers.first + Math.floor(random() * area.customers.count) : null;
    const room = `${1 + Math.floor(random() * 20)}-${1 + Math.floor(random() * 4)}-${101 + Math.floor(random() * 17)}`;
    const fields = random() < 0.2 ? { room, floors: 6 + Math.floor(random() * 28) } : { room };
    const script: CaseScript = {
      id,
      branch,
      unitId,
      createdAt,
      category,
      priority,
      customerId,
      externalKey: random() < 0.1 ? `WX-${id}` : null,
      title: `${room.split('-')[0]} 栋 ${pick(random, titles[category]!)}`,
      description: random() < 0.3 ? '业主来电，请尽快上门处理。' : null,
      fields,
      steps: [],
    };

    const steps = script.steps;
    let t = createdAt;
    const after = (ms: number) => (t += Math.max(1000, Math.round(ms / 1000) * 1000));
    const technician = pick(random, area.technicians);
    const fate = random();
    const stuckAt =
      fate >= cancelShare && fate < cancelShare + stuckShare
        ? pick(random, [
            'registered',
            'assigned',
            'assigned',
            'accepted',
            'in_progress',
            'in_progress',
            'paused',
          ])
        : null;
    const assign = () =>
      steps.push({
        action: 'assign',
        at: after(random() < 0.8 ? between(random, 2 * MINUTE, HOUR) : between(random, HOUR, 6 * HOUR)),
        assigneeUserId: technician.id,
      });

    if (fate < cancelShare) {
      if (random() < 0.5) assign();
      steps.push({ action: 'cancel', at: after(between(random, 10 * MINUTE, 20 * HOUR)), note: '业主撤单' });
    } else if (stuckAt !== 'registered') {
      assign();
      const urgentLeak = priority === 'urgent' && category !== 'lighting';
      const quick = random() < (urgentLeak ? 0.75 : 0.8);
      steps.push({
        action: 'accept',
        at: after(
          urgentLeak
            ? quick
              ? between(random, MINUTE, 14 * MINUTE)
              : between(random, 15 * MINUTE, 90 * MINUTE)
            : quick
              ? between(random, MINUTE, 45 * MINUTE)
              : between(random, 45 * MINUTE, 5 * HOUR),
        ),
      });
      if (stuckAt !== 'assigned' && stuckAt !== 'accepted') {
        if (random() < 0.5 || stuckAt === 'in_progress')
          steps.push({ action: 'start', at: after(between(random, 10 * MINUTE, 3 * HOUR)) });
        if (stuckAt !== 'in_progress') {
          if (stuckAt === 'paused' || random() < 0.06) {
            steps.push({
              action: 'pause',
              at: after(between(random, 10 * MINUTE, 2 * HOUR)),
              pauseReason: 'parts',
            });
            if (stuckAt !== 'paused')
              steps.push({ action: 'resume', at: after(between(random, 2 * HOUR, 72 * HOUR)) });
          }
          if (stuckAt === null) {
            const resolve = (ms: number) =>
              steps.push({
                action: 'resolve',
                at: after(ms),
                reasonCode: pick(random, reasons),
                feedback: pick(random, feedbacks),
              });
            resolve(
              random() < 0.92
                ? 30 * MINUTE - 6 * HOUR * Math.log(1 - random())
                : between(random, DAY, 5 * DAY),
            );
            for (let cycle = 1; ; cycle++) {
              if (!drawnForCallback(id, cycle, share)) {
                steps.push({ action: 'close', at: after(between(random, 30 * MINUTE, 48 * HOUR)) });
                break;
              }
              const at = after(between(random, HOUR, 30 * HOUR));
              if (random() >= 0.85) {
                steps.push({ action: 'callback', at, reached: false });
                steps.push({ action: 'close', at: after(between(random, 30 * MINUTE, 48 * HOUR)) });
                break;
              }
              const s = random();
              // One round of rework at most: a second callback is satisfied.
              const satisfaction = s < 0.55 ? 5 : s < 0.85 ? 4 : s < 0.95 || cycle > 1 ? 3 : s < 0.98 ? 2 : 1;
              steps.push({
                action: 'callback',
                at,
                reached: true,
                satisfaction,
                ...(random() < 0.2 ? { comment: pick(random, comments) } : {}),
              });
              if (satisfaction > callbackPolicy.reopenAtOrBelow) break;
              resolve(between(random, 2 * HOUR, 48 * HOUR)); // the reopened case is resolved again
            }
          }
        }
      }
    }
    // What has not happened by now has not happened.
    const cut = steps.findIndex((s) => s.at >= benchNow);
    if (cut >= 0) steps.length = cut;
    yield script;
  }
}

// ---------------------------------------------------------------------------------------------
// Playing a script into rows, as the services would write them.

export type CaseValues = {
  id: number;
  caseTypeId: number;
  unitId: number;
  externalKey: string | null;
  title: string;
  description: string | null;
  categoryKey: string;
  priorityKey: string;
  status: string;
  isOpen: number;
  customerId: number | null;
  registrantUserId: number;
  assigneeUserId: number | null;
  fieldsJson: string;
  reasonCode: string | null;
  feedback: string | null;
  repeatOfCaseId: number | null;
  reopenCount: number;
  nextDueAt: string | null;
  breached: number;
  resolutionWorkingMs: number | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  version: number;
};
export type EventValues = {
  caseId: number;
  kind: string;
  at: string;
  actorUserId: number;
  actorName: string;
  fromStatus: string | null;
  toStatus: string | null;
  payloadJson: string;
};
export type ClockValues = {
  caseId: number;
  clockKey: string;
  cycle: number;
  limitText: string;
  state: string;
  startedAt: string;
  dueAt: string;
  atRiskAt: string;
  stoppedAt: string | null;
  pausedMs: number;
};
export type CallbackValues = {
  caseId: number;
  cycle: number;
  dueAt: string;
  status: string;
  reached: number | null;
  satisfaction: number | null;
  comment: string | null;
  recordedByUserId: number | null;
  recordedAt: string | null;
  createdAt: string;
};
export type PlayedCase = {
  row: CaseValues;
  events: EventValues[];
  clocks: ClockValues[];
  callbacks: CallbackValues[];
};

export type PlayContext = {
  type: LoadedCaseType;
  calendar: WorkingCalendar;
  org: Org;
  /** customer|category → the latest case that was not cancelled: what `findRepeatCandidate` finds. */
  latest: Map<string, { id: number; createdAt: number }>;
};

const eventKindOf: Record<CaseAction, string> = {
  assign: 'assigned',
  accept: 'accepted',
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'reopened',
  cancel: 'cancelled',
};

/** The rows `createCase`, `transitionCase` and `recordCallback` leave behind for this script. */
export const playScript = (s: CaseScript, ctx: PlayContext): PlayedCase => {
  const { type, calendar, org } = ctx;
  const definition = type.definition;
  const iso = (ms: number) => new Date(ms).toISOString();
  const desk = s.branch.desk;
  const events: EventValues[] = [];
  const callbacks: CallbackValues[] = [];
  const event = (
    kind: string,
    at: number,
    actor: Person,
    fromStatus: string | null,
    toStatus: string | null,
    payload: Record<string, unknown>,
  ) =>
    events.push({
      caseId: s.id,
      kind,
      at: iso(at),
      actorUserId: actor.id,
      actorName: actor.name,
      fromStatus,
      toStatus,
      payloadJson: JSON.stringify(payload),
    });

  const repeatKey = s.customerId === null ? null : `${s.customerId}|${s.category}`;
  const candidate = repeatKey === null ? undefined : ctx.latest.get(repeatKey);
  const repeatOf =
    candidate &&
    definition.repeatWithinDays &&
    candidate.createdAt >= s.createdAt - definition.repeatWithinDays * DAY
      ? candidate.id
      : null;

  const row: CaseValues = {
    id: s.id,
    caseTypeId: type.id,
    unitId: s.unitId,
    externalKey: s.externalKey,
    title: s.title,
    description: s.description,
    categoryKey: s.category,
    priorityKey: s.priority,
    status: 'registered',
    isOpen: 1,
    customerId: s.customerId,
    registrantUserId: desk.id,
    assigneeUserId: null,
    fieldsJson: JSON.stringify(s.fields),
    reasonCode: null,
    feedback: null,
    repeatOfCaseId: repeatOf,
    reopenCount: 0,
    nextDueAt: null,
    breached: 0,
    resolutionWorkingMs: null,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.createdAt),
    resolvedAt: null,
    closedAt: null,
    version: 1,
  };
  // The last transaction that recomputed the clocks: its instant and the events it saw.
  let refreshedAt = s.createdAt;
  let refreshedEvents = 0;
  const refresh = (at: number) => {
    refreshedAt = at;
    refreshedEvents = events.length;
  };

  event('created', s.createdAt, desk, null, 'registered', { category: s.category, priority: s.priority });
  if (repeatOf !== null) event('repeat_linked', s.createdAt, desk, null, null, { repeatOfCaseId: repeatOf });
  refresh(s.createdAt);

  const technicianName = (id: number) => org.userNames.get(id)!;
  const actorFor = (action: CaseAction): Person => {
    if (action === 'assign') return s.branch.manager;
    if (['accept', 'start', 'pause', 'resume', 'resolve'].includes(action)) {
      const id = row.assigneeUserId!;
      return { id, name: technicianName(id), grants: [] };
    }
    return desk;
  };

  const apply = (action: CaseAction, at: number, actor: Person, input: Record<string, unknown>) => {
    const status = row.status as CaseStatus;
    const lastPause = events.findLast((e) => e.kind === 'paused');
    const plan = planTransition({
      action,
      status,
      previousStatus: (lastPause?.fromStatus as CaseStatus | null) ?? undefined,
      roles: ['dispatcher', 'assignee', 'handler'],
    });
    if (!plan.ok) throw new Error(`case ${s.id}: ${action} refused from ${status}`);
    const payload: Record<string, unknown> = {};
    if (typeof input.note === 'string' && input.note) payload.note = input.note;
    let openCallback = false;
    switch (action) {
      case 'assign': {
        const assigneeUserId = input.assigneeUserId as number;
        payload.assignee = { id: assigneeUserId, name: technicianName(assigneeUserId) };
        if (row.assigneeUserId) payload.previousAssigneeUserId = row.assigneeUserId;
        row.assigneeUserId = assigneeUserId;
        break;
      }
      case 'pause':
        payload.pauseReason = input.pauseReason;
        break;
      case 'resolve':
      case 'close': {
        const reasonCode = (input.reasonCode as string | undefined) ?? row.reasonCode;
        const feedback = (input.feedback as string | undefined) ?? row.feedback;
        row.reasonCode = reasonCode;
        row.feedback = feedback;
        if (input.reasonCode) payload.reasonCode = input.reasonCode;
        if (input.feedback) payload.feedback = input.feedback;
        if (action === 'resolve') {
          row.resolvedAt = iso(at);
          openCallback = true;
        } else row.closedAt = iso(at);
        break;
      }
      case 'reopen':
        row.reopenCount += 1;
        row.resolvedAt = null;
        row.closedAt = null;
        break;
      default:
        break;
    }
    if (plan.to === 'cancelled') row.closedAt = iso(at);
    row.status = plan.to;
    row.isOpen = isOpenStatus(plan.to) ? 1 : 0;
    row.updatedAt = iso(at);
    row.version += 1;
    event(eventKindOf[action], at, actor, status, plan.to, payload);
    refresh(at);
    if (openCallback) {
      const cycle = row.reopenCount + 1;
      const policy = definition.callback;
      if (policy && drawnForCallback(s.id, cycle, policy.share))
        callbacks.push({
          caseId: s.id,
          cycle,
          dueAt: addWorkingTime({
            calendar,
            start: at,
            duration: parseDuration(policy.within),
          }).toISOString(),
          status: 'pending',
          reached: null,
          satisfaction: null,
          comment: null,
          recordedByUserId: null,
          recordedAt: null,
          createdAt: iso(at),
        });
    }
  };

  for (const step of s.steps) {
    if (step.action !== 'callback') {
      const { action, at, ...input } = step;
      apply(action, at, actorFor(action), input);
      continue;
    }
    const pending = callbacks.findLast((c) => c.status === 'pending');
    if (row.status !== 'resolved' || !pending) throw new Error(`case ${s.id}: no pending callback`);
    Object.assign(pending, {
      status: 'done',
      reached: step.reached ? 1 : 0,
      satisfaction: step.reached ? (step.satisfaction ?? null) : null,
      comment: step.comment ?? null,
      recordedByUserId: desk.id,
      recordedAt: iso(step.at),
    });
    event('callback_recorded', step.at, desk, null, null, {
      reached: step.reached,
      satisfaction: step.satisfaction ?? null,
      comment: step.comment ?? null,
    });
    if (!step.reached) continue;
    const threshold = definition.callback?.reopenAtOrBelow ?? 0;
    const satisfaction = step.satisfaction ?? 5;
    if (satisfaction <= threshold) {
      apply('reopen', step.at, desk, {
        note: `回访不满意（${step.satisfaction}分）/ unsatisfied callback (${step.satisfaction})`,
      });
      continue;
    }
    row.status = 'called_back';
    row.updatedAt = iso(step.at);
    row.version += 1;
    event('called_back', step.at, desk, 'resolved', 'called_back', {});
    apply('close', step.at, desk, {});
  }

  // The clocks as the last refresh stored them (refreshClocks in cases.service.ts).
  const slaEvents = events.slice(0, refreshedEvents).map((e) => ({ kind: e.kind, at: Date.parse(e.at) }));
  const clockStates = computeClocks({
    type: definition,
    categoryKey: row.categoryKey,
    priorityKey: row.priorityKey,
    events: slaEvents,
    calendarOf: () => calendar,
    now: refreshedAt,
  });
  // Paused clocks are not due while paused (refreshClocks): only running ones give the next due time.
  const running = clockStates.filter((c) => c.state === 'running');
  const nextDue = running.reduce<Date | null>((min, c) => (!min || c.dueAt < min ? c.dueAt : min), null);
  row.nextDueAt = nextDue?.toISOString() ?? null;
  row.breached = clockStates.some((c) => c.state === 'breached') ? 1 : 0;
  row.resolutionWorkingMs = resolutionWorkingMs({ events: slaEvents, calendar });

  if (repeatKey !== null && row.status !== 'cancelled')
    ctx.latest.set(repeatKey, { id: s.id, createdAt: s.createdAt });
  return {
    row,
    events,
    callbacks,
    clocks: clockStates.map((c) => ({
      caseId: s.id,
      clockKey: c.key,
      cycle: c.cycle,
      limitText: c.limitText,
      state: c.state,
      startedAt: c.startedAt.toISOString(),
      dueAt: c.dueAt.toISOString(),
      atRiskAt: c.atRiskAt.toISOString(),
      stoppedAt: c.stoppedAt?.toISOString() ?? null,
      pausedMs: c.pausedMs,
    })),
  };
};

// ---------------------------------------------------------------------------------------------
// Writing played cases with prepared statements, in transactions of a batch each.

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const inserter = <T extends object>(raw: SqliteDatabase.Database, table: string, sample: T) => {
  const columns = Object.keys(sample);
  const statement = raw.prepare(
    `insert into ${table} (${columns.map(snake).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  );
  return (values: T) => statement.run(...columns.map((c) => (values as Record<string, unknown>)[c]));
};

const playContext = async (db: Db, org: Org): Promise<PlayContext> => {
  const type = await caseTypeForInput(db, 'repair');
  const calendar = await workingCalendarByCode({ code: type.definition.calendar }, { db });
  return { type, calendar, org, latest: new Map() };
};

export type SeedCounts = { cases: number; events: number; clocks: number; callbacks: number };

const writeCases = (raw: SqliteDatabase.Database, ctx: PlayContext, count: number, log: boolean) => {
  const { org } = ctx;
  let insertCase: ((v: CaseValues) => unknown) | undefined;
  let insertEvent: ((v: EventValues) => unknown) | undefined;
  let insertClock: ((v: ClockValues) => unknown) | undefined;
  let insertCallback: ((v: CallbackValues) => unknown) | undefined;
  const counts: SeedCounts = { cases: 0, events: 0, clocks: 0, callbacks: 0 };
  const write = raw.transaction((batch: PlayedCase[]) => {
    for (const played of batch) {
      (insertCase ??= inserter(raw, 'cases', played.row))(played.row);
      for (const e of played.events) (insertEvent ??= inserter(raw, 'case_events', e))(e);
      for (const c of played.clocks) (insertClock ??= inserter(raw, 'case_clocks', c))(c);
      for (const c of played.callbacks) (insertCallback ??= inserter(raw, 'case_callbacks', c))(c);
      counts.cases++;
      counts.events += played.events.length;
      counts.clocks += played.clocks.length;
      counts.callbacks += played.callbacks.length;
    }
  });
  const started = performance.now();
  let batch: PlayedCase[] = [];
  for (const script of caseScripts(count, org)) {
    batch.push(playScript(script, ctx));
    if (batch.length === 10_000) {
      write(batch);
      batch = [];
      if (log && counts.cases % 100_000 === 0)
        process.stdout.write(
          `  ${counts.cases.toLocaleString('en-US')} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
        );
    }
  }
  write(batch);
  return counts;
};

// ---------------------------------------------------------------------------------------------
// The cached database file.

const customersPerAreaFor = (count: number) => Math.max(20, Math.min(500, Math.round(count / 2000)));

/** Changes whenever a migration, the case type or the seed version changes. */
const seedKey = (count: number) => {
  const hash = createHash('sha256');
  for (const [name, migration] of Object.entries(allMigrations()).sort(([a], [b]) => a.localeCompare(b)))
    hash.update(`${name}\n${migration.up.toString()}\n`);
  hash.update(JSON.stringify(repairType));
  hash.update(JSON.stringify(callbackPolicy));
  return `v${seedVersion}-${hash.digest('hex').slice(0, 12)}-${count}`;
};

export const seedFileFor = (count: number) =>
  path.join(tmpdir(), `guankong-bench-cases-${seedKey(count)}.sqlite`);

export type SeedResult = { file: string; seededMs: number | null; counts: SeedCounts | null };

/** The seeded file for `count` cases: reused when present, else built under a temporary name and renamed. */
export const ensureSeeded = async (count: number, { reseed = false } = {}): Promise<SeedResult> => {
  const file = seedFileFor(count);
  if (existsSync(file) && !reseed) return { file, seededMs: null, counts: null };
  const building = `${file}.building`;
  for (const f of [file, building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const started = performance.now();
  const db = createDatabase({ dialect: 'sqlite', file: building });
  await migrateToLatest(db);
  let raw = new SqliteDatabase(building);
  raw.pragma('busy_timeout = 5000');
  const org = await seedOrganisation(db, raw, customersPerAreaFor(count));
  const ctx = await playContext(db, org);
  await db.destroy();
  raw.close();
  // Bulk load: no journal, no fsync, no foreign-key lookups per row (the rows are consistent by
  // construction: `verifySeed` plays the same scripts through the services). WAL again at the end.
  raw = new SqliteDatabase(building);
  raw.pragma('journal_mode = OFF');
  raw.pragma('synchronous = OFF');
  raw.pragma('foreign_keys = OFF');
  raw.pragma('cache_size = -524288'); // 512 MiB while building
  const counts = writeCases(raw, ctx, count, true);
  raw.pragma('journal_mode = WAL');
  raw.close();
  // The figures' daily rollup, as the services would have kept it, by the module's own rebuild.
  const rollupStarted = performance.now();
  const rollup = createDatabase({ dialect: 'sqlite', file: building });
  await rollup.transaction().execute((tx) => rebuildCaseFigures(tx));
  await rollup.destroy();
  console.log(`  figures rollup rebuilt: ${((performance.now() - rollupStarted) / 1000).toFixed(0)} s`);
  renameSync(building, file);
  for (const f of [`${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  return { file, seededMs: performance.now() - started, counts };
};

/** Reads back the organisation of a seeded file (ids and names), for the benchmark's actors. */
export const readOrg = (raw: SqliteDatabase.Database): Org => {
  const users = raw.prepare('select id, username, display_name as name from users').all() as Array<{
    id: number;
    username: string;
    name: string;
  }>;
  const grants = raw
    .prepare('select user_id as userId, role, unit_id as unitId from role_grants')
    .all() as Array<Grant & { userId: number }>;
  const person = (username: string): Person => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`no user ${username} in the seeded file`);
    return {
      id: u.id,
      name: u.name,
      grants: grants.filter((g) => g.userId === u.id).map(({ role, unitId }) => ({ role, unitId })),
    };
  };
  const company = raw.prepare("select id from units where code = 'GK'").get() as { id: number };
  const branches = Array.from({ length: branchCount }, (_, b): Branch => {
    const unit = raw.prepare('select id, name from units where code = ?').get(`GK-B${b + 1}`) as {
      id: number;
      name: string;
    };
    const areas = Array.from({ length: areasPerBranch }, (_, a): Area => {
      const area = raw.prepare('select id from units where code = ?').get(`GK-B${b + 1}-A${a + 1}`) as {
        id: number;
      };
      return {
        unitId: area.id,
        technicians: Array.from({ length: techniciansPerArea }, (_, k) =>
          person(`b${b + 1}-a${a + 1}-t${k + 1}`),
        ),
        customers: { first: 0, count: 0 },
      };
    });
    return {
      unitId: unit.id,
      name: unit.name,
      manager: person(`b${b + 1}-manager`),
      desk: person(`b${b + 1}-desk`),
      areas,
    };
  });
  return {
    companyId: company.id,
    benchManager: person('bench-manager'),
    branches,
    userNames: new Map(users.map((u) => [u.id, u.name])),
  };
};

// ---------------------------------------------------------------------------------------------
// Checking a cached file against the services as they are now.

/**
 * Recomputes the clocks of a sample of cases with the services' own `refreshClocks`, at the
 * instant of their last change (`updatedAt`: every transaction that refreshes the clocks sets
 * it), inside a transaction that is rolled back, and compares with what the file holds. A
 * difference means the services' rules changed since the file was seeded: bump `seedVersion`.
 */
export const checkDerivedColumns = async (db: Db): Promise<{ checked: number; differences: string[] }> => {
  const differences: string[] = [];
  let checked = 0;
  const rollback = new Error('rollback');
  try {
    await db.transaction().execute(async (tx) => {
      const type = await caseTypeForInput(tx, 'repair');
      const { maxId } = await tx
        .selectFrom('cases')
        .select((eb) => eb.fn.max('id').as('maxId'))
        .executeTakeFirstOrThrow();
      const random = randomFrom(99);
      const ids = new Set(Array.from({ length: 100 }, () => 1 + Math.floor(random() * Number(maxId))));
      for (const [column, value, n] of [
        ['isOpen', 1, 50],
        ['status', 'paused', 30],
        ['status', 'resolved', 10],
        ['status', 'cancelled', 10],
      ] as const)
        for (const { id } of await tx
          .selectFrom('cases')
          .select('id')
          .where(column, '=', value)
          .orderBy('id')
          .limit(n)
          .execute())
          ids.add(id);
      for (const { id } of await tx
        .selectFrom('cases')
        .select('id')
        .where('reopenCount', '>', 0)
        .limit(20)
        .execute())
        ids.add(id);
      const stored = async (id: number) => ({
        row: await tx
          .selectFrom('cases')
          .select(['nextDueAt', 'breached', 'resolutionWorkingMs'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow(),
        clocks: await tx
          .selectFrom('caseClocks')
          .selectAll()
          .where('caseId', '=', id)
          .orderBy('clockKey')
          .orderBy('cycle')
          .execute(),
      });
      for (const id of ids) {
        const row = await tx.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const before = JSON.stringify(await stored(id));
        await refreshClocks(tx, row, type, new Date(row.updatedAt));
        const after = JSON.stringify(await stored(id));
        checked++;
        if (before !== after) differences.push(`case ${id}: file ${before}\n          services ${after}`);
      }
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return { checked, differences };
};

// ---------------------------------------------------------------------------------------------
// Checking the raw rows against the services.

const tableRows = (raw: SqliteDatabase.Database, table: string, order: string) =>
  raw.prepare(`select * from ${table} order by ${order}`).all() as Array<Record<string, unknown>>;

/**
 * Builds two small databases from the same `count` scripts — one through the services, one with
 * `playScript` — and compares cases, events, clocks and callbacks column by column. Returns the
 * differences (empty when the raw seeding writes exactly what the services write).
 */
export const verifySeed = async (count: number): Promise<{ checked: SeedCounts; differences: string[] }> => {
  const dir = path.join(tmpdir(), `guankong-bench-verify-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const open = async (name: string) => {
    const file = path.join(dir, `${name}.sqlite`);
    const db = createDatabase({ dialect: 'sqlite', file });
    await migrateToLatest(db);
    const raw = new SqliteDatabase(file);
    raw.pragma('busy_timeout = 5000');
    const org = await seedOrganisation(db, raw, customersPerAreaFor(count));
    return { db, raw, org };
  };
  const viaServices = await open('services');
  const viaRaw = await open('raw');
  try {
    const checked = writeCases(viaRaw.raw, await playContext(viaRaw.db, viaRaw.org), count, false);
    await rebuildCaseFigures(viaRaw.db);

    const { db, org } = viaServices;
    const clock = manualClock(new Date(benchNow));
    for (const s of caseScripts(count, org)) {
      const desk = actorOf(s.branch.desk);
      clock.set(new Date(s.createdAt));
      const { caseId } = await createCase(
        {
          caseType: 'repair',
          unitId: s.unitId,
          title: s.title,
          description: s.description,
          category: s.category,
          priority: s.priority,
          customerId: s.customerId,
          fields: s.fields,
          externalKey: s.externalKey,
        },
        { db, clock, actor: desk },
      );
      if (caseId !== s.id) throw new Error(`expected case id ${s.id}, got ${caseId}`);
      let assignee: Actor | null = null;
      for (const step of s.steps) {
        clock.set(new Date(step.at));
        if (step.action === 'callback') {
          await recordCallback(
            {
              caseId,
              input: {
                reached: step.reached,
                ...(step.satisfaction !== undefined ? { satisfaction: step.satisfaction } : {}),
                ...(step.comment !== undefined ? { comment: step.comment } : {}),
              },
            },
            { db, clock, actor: desk },
          );
          continue;
        }
        const { at: _at, ...input } = step;
        if (step.action === 'assign') {
          const technician = org.branches
            .flatMap((b) => b.areas.flatMap((a) => a.technicians))
            .find((t) => t.id === step.assigneeUserId)!;
          assignee = actorOf(technician);
        }
        const actor =
          step.action === 'assign'
            ? actorOf(s.branch.manager)
            : ['accept', 'start', 'pause', 'resume', 'resolve'].includes(step.action)
              ? assignee!
              : desk;
        await transitionCase({ caseId, input: input as TransitionInput }, { db, clock, actor });
      }
    }

    const differences: string[] = [];
    const compare = (table: string, order: string) => {
      const a = tableRows(viaServices.raw, table, order);
      const b = tableRows(viaRaw.raw, table, order);
      if (a.length !== b.length) differences.push(`${table}: ${a.length} rows via services, ${b.length} raw`);
      for (let i = 0; i < Math.min(a.length, b.length) && differences.length < 20; i++)
        for (const column of Object.keys(a[i]!))
          if (a[i]![column] !== b[i]![column])
            differences.push(
              `${table} row ${i + 1} ${column}: services ${JSON.stringify(a[i]![column])}, raw ${JSON.stringify(b[i]![column])}`,
            );
    };
    compare('cases', 'id');
    compare('case_events', 'id');
    compare('case_clocks', 'case_id, clock_key, cycle');
    compare('case_callbacks', 'id');
    compare('case_figure_days', 'unit_id, day, case_type_id, category_key, assignee_user_id, metric');
    return { checked, differences };
  } finally {
    for (const x of [viaServices, viaRaw]) {
      x.raw.close();
      await x.db.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  }
};
