import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { workingCalendarByCode } from '../calendar/calendar-clock.service.js';
import type { Duration, Pause, WorkingCalendar } from '../calendar/working-time.js';
import { addWorkingTime, isWorkingDay, measureWorkingTime, parseDuration } from '../calendar/working-time.js';
import type { CaseTypeDefinition, ClockEvent } from '../cases/case-type.schema.js';
import { limitsFor } from '../cases/case-type.schema.js';
import { getCase } from '../cases/case-views.service.js';
import type { TransitionInput } from '../cases/cases.schema.js';
import { recordCallback } from '../cases/case-callbacks.service.js';
import { createCase, reclassifyCase, transitionCase } from '../cases/cases.service.js';
import { runCaseEscalations } from '../cases/cases.sweeps.js';
import type { CaseStatus } from '../cases/lifecycle.js';
import { describeUsers } from '../org/users.service.js';
import type { Delay, FieldTemplate, PackHistory, PackHistoryType } from './pack.schema.js';
import type { Random } from './random.js';
import { createRandom } from './random.js';
import type { Building, Place } from './residents.js';
import { fillTemplate, randomPlace } from './residents.js';
import { createSimulation } from './simulation.js';

/*
 * The generated history of a pack: months of cases that went through the real services —
 * createCase, transitionCase, reclassifyCase, recordCallback and the escalation sweep — on a
 * manual clock stepped through simulated time, so every event, clock, callback, notification
 * and audit row is what the product would have written. Generic: every name, text and
 * distribution comes from the pack's `history` section and case types.
 *
 * Each case is planned when it arrives (type, category, priority, customer, which clock it will
 * miss, whether it pauses, how its callback goes …) from its own random stream, then timed
 * stage by stage against its real limits: an on-time stage lands inside the clock's limit, a late
 * one after it. Whatever would happen after "now" does not happen: those cases stay open.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export type Resident = { customerId: number; unit: string; place: Place };

export type HistoryInput = {
  history: PackHistory;
  /** The pack's case types (validated definitions) by key. */
  types: ReadonlyMap<string, CaseTypeDefinition>;
  /** The pack's users as actors, by username. */
  users: ReadonlyMap<string, Actor>;
  unitIds: ReadonlyMap<string, number>;
  residents: readonly Resident[];
  buildings: readonly Building[];
  roomFormat: string;
  onProgress?: ((done: number, total: number) => void) | undefined;
};

export type HistorySummary = {
  from: string;
  to: string;
  cases: number;
  /** Transitions, reclassifications and callbacks done through the services. */
  actions: number;
  callbacks: number;
  sweeps: number;
  /** Steps that found the case changed by the sweep (reassigned) and followed it. */
  recovered: number;
  /** Steps the services refused (a bug in the pack or the generator); the case stops there. */
  failures: Array<{ externalKey: string; action: string; code: string }>;
  ms: number;
};

type Mark = ClockEvent | 'started';
type Marks = Partial<Record<Mark, number>>;
type ClockPlan = {
  key: string;
  startsAt: Mark;
  stopsAt: Mark;
  duration: Duration;
  calendar: WorkingCalendar;
};
type Category = PackHistoryType['categories'][number];

type CasePlan = {
  index: number;
  at: number;
  externalKey: string;
  typeKey: string;
  type: CaseTypeDefinition;
  spec: PackHistoryType;
  category: Category;
  priority: string;
  /** Registered with this priority first, then reclassified to `priority`. */
  initialPriority: string | null;
  unit: string;
  customerId: number | null;
  place: Place;
  title: string;
  description: string | null;
  fields: Record<string, unknown>;
  lateClock: string | null;
  pauseReason: string | null;
  cancel: boolean;
  stuckAfter: 'assigned' | 'accepted' | 'started' | null;
  reopenAfterClose: boolean;
  random: Random;
};

const parseOffset = (text: string) => {
  const sign = text.startsWith('-') ? -1 : 1;
  return sign * (Number(text.slice(1, 3)) * HOUR + Number(text.slice(4, 6)) * MINUTE);
};

const weightsOf = (values: readonly number[]) => Object.fromEntries(values.map((w, i) => [String(i), w]));

const fillField = (template: FieldTemplate, place: Place, random: Random): unknown => {
  if (typeof template === 'string') return fillTemplate(template, place);
  if (typeof template !== 'object') return template;
  if ('chance' in template) return random.chance(template.chance);
  const choice = random.weighted(Object.fromEntries(template.oneOf.map(([, w], i) => [String(i), w])));
  return template.oneOf[Number(choice)]![0];
};

/** True for the refusals a case changed under the simulation can cause (the sweep reassigned it). */
const isRefusal = (error: unknown) =>
  isAppError(error) &&
  (error.code === 'cases.not_allowed' ||
    error.code === 'cases.transition_refused' ||
    error.code === 'cases.not_found');

/**
 * What the assignee must do next to be able to take `action` from `status`: the action itself,
 * a catch-up step first (a reassigned case must be taken again), 'done' when the case is past it
 * already, or 'stuck'.
 */
const nextStep = (
  status: CaseStatus,
  action: 'accept' | 'start' | 'pause' | 'resume' | 'resolve',
): 'target' | 'accept' | 'resume' | 'done' | 'stuck' => {
  const beyond = ['resolved', 'called_back', 'closed', 'cancelled', 'registered'].includes(status);
  if (beyond) return 'stuck';
  switch (action) {
    case 'accept':
      return status === 'assigned' ? 'target' : 'done';
    case 'start':
      return status === 'assigned'
        ? 'accept'
        : status === 'accepted'
          ? 'target'
          : status === 'paused'
            ? 'resume'
            : 'done';
    case 'pause':
      return status === 'assigned' ? 'accept' : status === 'paused' ? 'done' : 'target';
    case 'resume':
      return status === 'paused' ? 'target' : status === 'assigned' ? 'accept' : 'done';
    case 'resolve':
      return status === 'assigned' ? 'accept' : status === 'paused' ? 'resume' : 'target';
  }
};

/** Generates the history through the services; ends at `clock.now()`. */
export const generateHistory = async (input: HistoryInput, { db, clock }: { db: Db; clock: Clock }) => {
  const began = Date.now();
  const { history } = input;
  const end = clock.now().getTime();
  const start = end - history.days * DAY;
  const simClock = manualClock(new Date(start));
  const sim = createSimulation(simClock, end);
  const random = createRandom(history.seed);
  const system = systemActor('demo');

  const calendars = new Map<string, WorkingCalendar>();
  const calendarOf = async (code: string) => {
    let calendar = calendars.get(code);
    if (!calendar) calendars.set(code, (calendar = await workingCalendarByCode({ code }, { db })));
    return calendar;
  };
  const dayCalendar = await calendarOf(history.calendar);
  for (const type of input.types.values()) {
    await calendarOf(type.calendar);
    for (const c of type.clocks) if (c.calendar) await calendarOf(c.calendar);
  }

  const summary: HistorySummary = {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    cases: 0,
    actions: 0,
    callbacks: 0,
    sweeps: 0,
    recovered: 0,
    failures: [],
    ms: 0,
  };

  const actorOf = (username: string) => {
    const actor = input.users.get(username);
    if (!actor) throw new Error(`pack user ${username} is missing`);
    return actor;
  };
  const actorsById = new Map([...input.users.values()].map((a) => [a.userId, a]));
  const actorById = async (userId: number): Promise<Actor> => {
    const known = actorsById.get(userId);
    if (known) return known;
    const facts = (await describeUsers({ userIds: [userId] }, { db })).get(userId);
    if (!facts) throw new Error(`user ${userId} vanished`);
    const actor: Actor = { kind: 'user', userId, name: facts.displayName, grants: facts.grants };
    actorsById.set(userId, actor);
    return actor;
  };
  const managersOf = (unitId: number) =>
    [...input.users.values()].filter(
      (a) => a.kind === 'user' && a.grants.some((g) => g.role === 'manager' && g.unitId === unitId),
    );
  const deps = (actor: Actor) => ({ db, clock: simClock, actor });

  const sample = (delay: Delay, from: number, r: Random): number => {
    const [a, b] = delay.map(parseDuration) as [Duration, Duration];
    if (a.kind === 'workingDays' || b.kind === 'workingDays') throw new Error('unreachable: validated');
    const ms = Math.round(r.between(a.ms, b.ms));
    if (a.kind === 'calendar') return from + ms;
    return addWorkingTime({
      calendar: dayCalendar,
      start: from,
      duration: { kind: 'working', ms },
    }).getTime();
  };

  // ---- arrivals: how many cases each day, at which hours -------------------------------------
  const offset = parseOffset(history.utcOffset);
  const hourWeights = weightsOf(history.hourWeights);
  const arrivals: number[] = [];
  for (let day = Math.floor((start + offset) / DAY) * DAY - offset; day < end; day += DAY) {
    const date = new Date(day + offset).toISOString().slice(0, 10);
    const factor = isWorkingDay({ calendar: dayCalendar, date }) ? 1 : history.nonWorkingDayFactor;
    const count = random.poisson(history.casesPerWorkingDay * factor);
    for (let i = 0; i < count; i++) {
      const at = day + Number(random.weighted(hourWeights)) * HOUR + Math.floor(random.next() * HOUR);
      if (at >= start && at < end) arrivals.push(at);
    }
  }
  arrivals.sort((a, b) => a - b);

  // ---- plans: what each case is and how it will go --------------------------------------------
  const typeWeights = Object.fromEntries(history.types.map((t, i) => [String(i), t.weight]));
  const residentsByUnit = new Map<string, Resident[]>();
  for (const r of input.residents) residentsByUnit.set(r.unit, [...(residentsByUnit.get(r.unit) ?? []), r]);
  const buildingsByUnit = new Map<string, Building[]>();
  for (const b of input.buildings) buildingsByUnit.set(b.unit, [...(buildingsByUnit.get(b.unit) ?? []), b]);
  const recent = new Map<string, Array<{ at: number; resident: Resident }>>(); // type:category → reporters
  const plans: CasePlan[] = arrivals.map((at, index) => {
    const r = random.fork(index);
    const spec = history.types[Number(r.weighted(typeWeights))]!;
    const type = input.types.get(spec.caseType)!;
    const category =
      spec.categories[
        Number(r.weighted(Object.fromEntries(spec.categories.map((c, i) => [String(i), c.weight]))))
      ]!;
    const priority = r.weighted(category.priorities);
    const memoryKey = `${spec.caseType}:${category.category}`;
    const window = (type.repeatWithinDays ?? 0) * DAY;
    const earlier = (recent.get(memoryKey) ?? []).filter((x) => x.at > at - window + HOUR);
    let resident: Resident | null = null;
    let repeat = false;
    if (window > 0 && earlier.length > 0 && r.chance(history.shares.repeat)) {
      resident = r.pick(earlier).resident;
      repeat = true;
    } else if (r.chance(spec.customerShare)) {
      const unit = r.weighted(history.units);
      const candidates = residentsByUnit.get(unit) ?? [];
      if (candidates.length > 0) resident = r.pick(candidates);
    }
    if (resident) recent.set(memoryKey, [...earlier, { at, resident }]);
    const unit = resident?.unit ?? r.weighted(history.units);
    const buildings = buildingsByUnit.get(unit) ?? input.buildings;
    const place =
      resident?.place ??
      (buildings.length > 0
        ? randomPlace(r, input.roomFormat, r.pick(buildings))
        : { estate: '', building: '', entrance: 1, floor: 1, room: '', customer: '' });
    const clocks = type.clocks.filter(
      (c) => limitsFor(type, { category: category.category, priority })[c.key],
    );
    const recentEnough = at >= end - history.stuckWithinDays * DAY;
    const otherPriorities = type.priorities.map((p) => p.key).filter((p) => p !== priority);
    const pauseWeights =
      spec.pauseReasons ?? Object.fromEntries(type.pauseReasons.map((p) => [p.key, 1] as const));
    return {
      index,
      at,
      externalKey: `${history.externalKeyPrefix}${String(index + 1).padStart(6, '0')}`,
      typeKey: spec.caseType,
      type,
      spec,
      category,
      priority,
      initialPriority:
        otherPriorities.length > 0 && r.chance(history.shares.reclassified) ? r.pick(otherPriorities) : null,
      unit,
      customerId: resident?.customerId ?? null,
      place,
      title: (repeat ? history.texts.repeatPrefix : '') + fillTemplate(r.pick(category.titles), place),
      description:
        category.descriptions.length > 0 ? fillTemplate(r.pick(category.descriptions), place) : null,
      fields: Object.fromEntries(
        Object.entries(spec.fields).map(([key, template]) => [key, fillField(template, place, r)]),
      ),
      lateClock: clocks.length > 0 && r.chance(history.shares.late) ? r.pick(clocks).key : null,
      pauseReason:
        Object.keys(pauseWeights).length > 0 && r.chance(history.shares.paused)
          ? r.weighted(pauseWeights)
          : null,
      cancel: r.chance(history.shares.cancelled),
      stuckAfter:
        recentEnough && r.chance(history.shares.stuck)
          ? r.pick(['assigned', 'accepted', 'started'] as const)
          : null,
      reopenAfterClose: r.chance(history.shares.reopenAfterClose),
      random: r,
    };
  });

  // ---- one case's life ------------------------------------------------------------------------
  const runCase = async (p: CasePlan) => {
    const r = p.random;
    const { type } = p;
    const typeCalendar = calendars.get(type.calendar)!;
    const clocks: ClockPlan[] = Object.entries(
      limitsFor(type, { category: p.category.category, priority: p.priority }),
    ).flatMap(([key, limit]) => {
      const definition = type.clocks.find((c) => c.key === key);
      return definition
        ? [
            {
              key,
              startsAt: definition.startsAt,
              stopsAt: definition.stopsAt,
              duration: parseDuration(limit),
              calendar: calendars.get(definition.calendar ?? type.calendar)!,
            },
          ]
        : [];
    });
    const registrar = actorOf(r.pick(history.actors.register));
    const dispatcher = actorOf(r.pick(history.actors.dispatch));
    const closer = actorOf(r.pick(history.actors.close));
    const caller = actorOf(r.pick(history.actors.callback));
    const unitId = input.unitIds.get(p.unit)!;
    let caseId = 0;
    let stopped = false;

    const fail = (action: string, error: unknown) => {
      if (!isAppError(error)) throw error;
      return record(action, error.code);
    };
    const record = (action: string, code: string) => {
      summary.failures.push({ externalKey: p.externalKey, action, code });
      stopped = true;
      return false;
    };
    /** A step by the desk (assign, cancel, close, reopen, reclassify): refused means a bug; the case stops. */
    const desk = async (actor: Actor, input: TransitionInput) => {
      try {
        await transitionCase({ caseId, input }, deps(actor));
        summary.actions++;
        return true;
      } catch (error) {
        return fail(input.action, error);
      }
    };

    const assignees = 'users' in p.spec.assignees ? p.spec.assignees.users.map(actorOf) : managersOf(unitId);
    let assignee = assignees.length > 0 ? r.pick(assignees) : dispatcher;
    /** A step by the assignee; when the sweep reassigned the case meanwhile, the new assignee catches up. */
    const work = async (
      input: Extract<TransitionInput, { action: 'accept' | 'start' | 'pause' | 'resume' | 'resolve' }>,
    ) => {
      try {
        await transitionCase({ caseId, input }, deps(assignee));
        summary.actions++;
        return true;
      } catch (error) {
        if (!isRefusal(error)) return fail(input.action, error);
      }
      for (let attempt = 0; attempt < 4; attempt++) {
        const current = await getCase({ caseId }, deps(system));
        if (current.assignee) assignee = await actorById(current.assignee.id);
        const step = nextStep(current.status, input.action);
        if (step === 'done') break;
        if (step === 'stuck') return record(input.action, `case is ${current.status}`);
        const stepInput: TransitionInput = step === 'target' ? input : { action: step };
        try {
          await transitionCase({ caseId, input: stepInput }, deps(assignee));
          summary.actions++;
        } catch (error) {
          return fail(stepInput.action, error);
        }
        if (step === 'target') break;
      }
      summary.recovered++;
      return true;
    };

    /** When the next stage happens: inside its clock's limit, or after it for the clock this case misses. */
    const stageTime = (stage: Mark, marks: Marks, pauses: Pause[], late: string | null, fallback: Delay) => {
      const now = sim.now();
      const due = (c: ClockPlan) =>
        addWorkingTime({
          calendar: c.calendar,
          start: marks[c.startsAt]!,
          duration: c.duration,
          pauses,
        }).getTime();
      const running = clocks.filter((c) => marks[c.startsAt] !== undefined);
      const stopping = running.filter((c) => c.stopsAt === stage);
      const missed = stopping.find((c) => c.key === late);
      if (missed) {
        const dueAt = due(missed);
        const from = Math.max(dueAt, now);
        const v = r.between(0.05, 0.7);
        if (missed.duration.kind === 'calendar')
          return from + Math.max(v * (dueAt - marks[missed.startsAt]!), 5 * MINUTE);
        const span = measureWorkingTime({
          calendar: missed.calendar,
          start: marks[missed.startsAt]!,
          end: dueAt,
        });
        return addWorkingTime({
          calendar: missed.calendar,
          start: from,
          duration: { kind: 'working', ms: Math.round(Math.max(v * span, 5 * MINUTE)) },
        }).getTime();
      }
      let bound: { at: number; clock: ClockPlan } | null = null;
      for (const c of stopping) {
        const at = due(c);
        if (!bound || at < bound.at) bound = { at, clock: c };
      }
      if (stage !== 'resolved')
        for (const c of running.filter((x) => x.stopsAt === 'resolved')) {
          // Leave most of the resolution limit to the work itself.
          const at = now + r.between(0.1, 0.35) * (due(c) - now);
          if (!bound || at < bound.at) bound = { at, clock: c };
        }
      if (!bound || bound.at <= now + MINUTE) return Math.max(sample(fallback, now, r), now + MINUTE);
      const u = 0.08 + 0.82 * r.next() ** 1.6; // most work is done well inside the limit
      if (bound.clock.duration.kind !== 'calendar') {
        const calendar = bound.clock.calendar;
        const work = measureWorkingTime({ calendar, start: now, end: bound.at });
        if (work > 0)
          return Math.max(
            addWorkingTime({
              calendar,
              start: now,
              duration: { kind: 'working', ms: Math.round(u * work) },
            }).getTime(),
            now + MINUTE,
          );
      }
      return Math.max(now + u * (bound.at - now), now + MINUTE);
    };

    const reasonCode = () =>
      Object.keys(p.category.reasons).length > 0 ? r.weighted(p.category.reasons) : undefined;
    const resolve = async (marks: Marks, pauses: Pause[], late: string | null, fallback: Delay) => {
      if (!(await sim.until(stageTime('resolved', marks, pauses, late, fallback)))) return false;
      const code = reasonCode();
      return work({
        action: 'resolve',
        ...(code ? { reasonCode: code } : {}),
        feedback: r.pick(p.category.feedback),
      });
    };

    /** Callback and closing after a resolution: 'closed', 'reopened' (unsatisfied) or 'stopped'. */
    const followUp = async (allowUnsatisfied: boolean): Promise<'closed' | 'reopened' | 'stopped'> => {
      const policy = type.callback;
      if (!policy) {
        if (!(await sim.until(sample(history.delays.close, sim.now(), r)))) return 'stopped';
        return (await desk(closer, { action: 'close' })) ? 'closed' : 'stopped';
      }
      const resolvedAt = sim.now();
      const dueAt = addWorkingTime({
        calendar: typeCalendar,
        start: resolvedAt,
        duration: parseDuration(policy.within),
      }).getTime();
      const callAt = r.chance(history.shares.callbackLate)
        ? addWorkingTime({
            calendar: typeCalendar,
            start: dueAt,
            duration: { kind: 'working', ms: Math.round(r.between(0.5, 6) * HOUR) },
          }).getTime()
        : addWorkingTime({
            calendar: typeCalendar,
            start: resolvedAt,
            duration: {
              kind: 'working',
              ms: Math.round(
                r.between(0.05, 0.95) *
                  measureWorkingTime({ calendar: typeCalendar, start: resolvedAt, end: dueAt }),
              ),
            },
          }).getTime();
      if (!(await sim.until(Math.max(callAt, resolvedAt + MINUTE)))) return 'stopped';
      const outcome = r.chance(history.shares.notReached)
        ? 'notReached'
        : allowUnsatisfied && r.chance(history.shares.unsatisfied)
          ? 'unsatisfied'
          : 'satisfied';
      const score = Number(
        r.weighted(
          outcome === 'unsatisfied' ? history.satisfaction.unsatisfied : history.satisfaction.satisfied,
        ),
      );
      try {
        await recordCallback(
          {
            caseId,
            input:
              outcome === 'notReached'
                ? { reached: false, comment: r.pick(history.texts.callback.notReached) }
                : { reached: true, satisfaction: score, comment: r.pick(history.texts.callback[outcome]) },
          },
          deps(caller),
        );
        summary.actions++;
        summary.callbacks++;
      } catch (error) {
        // Not drawn for a callback (a sampled policy): the desk reviews and closes it.
        if (isAppError(error) && error.code === 'cases.callback_not_pending')
          return (await desk(closer, { action: 'close' })) ? 'closed' : 'stopped';
        fail('callback', error);
        return 'stopped';
      }
      if (outcome === 'notReached') {
        if (!(await sim.until(sample(history.delays.closeAfterNotReached, sim.now(), r)))) return 'stopped';
        return (await desk(closer, { action: 'close' })) ? 'closed' : 'stopped';
      }
      return outcome === 'unsatisfied' && score <= policy.reopenAtOrBelow ? 'reopened' : 'closed';
    };

    /** Rework after a reopening: the resolution clocks run again from the reopening. */
    const rework = async () => {
      const t = sim.now();
      return resolve({ created: t, assigned: t, accepted: t, started: t }, [], null, history.delays.rework);
    };

    // Registration (and a reclassification when the desk got the priority wrong).
    try {
      caseId = (
        await createCase(
          {
            caseType: p.typeKey,
            unitId,
            title: p.title,
            description: p.description,
            category: p.category.category,
            priority: p.initialPriority ?? p.priority,
            customerId: p.customerId,
            fields: p.fields,
            externalKey: p.externalKey,
          },
          deps(registrar),
        )
      ).caseId;
      summary.cases++;
      summary.actions++;
      input.onProgress?.(summary.cases, plans.length);
    } catch (error) {
      fail('create', error);
      return;
    }
    const marks: Marks = { created: sim.now() };
    if (p.initialPriority) {
      if (!(await sim.until(sample(history.delays.reclassify, sim.now(), r)))) return;
      try {
        await reclassifyCase(
          { caseId, input: { priority: p.priority, note: r.pick(history.texts.reclassify) } },
          deps(dispatcher),
        );
        summary.actions++;
      } catch (error) {
        fail('reclassify', error);
        return;
      }
    }

    // Dispatch, taking the order, arrival, an optional pause, resolution.
    if (!(await sim.until(sample(history.delays.assign, sim.now(), r)))) return;
    if (!(await desk(dispatcher, { action: 'assign', assigneeUserId: assignee.userId! }))) return;
    marks.assigned = sim.now();
    if (p.cancel) {
      if (await sim.until(sample(history.delays.cancel, sim.now(), r)))
        await desk(closer, { action: 'cancel', note: r.pick(history.texts.cancel) });
      return;
    }
    if (p.stuckAfter === 'assigned') return;
    if (!(await sim.until(stageTime('accepted', marks, [], p.lateClock, history.delays.accept)))) return;
    if (!(await work({ action: 'accept' }))) return;
    marks.accepted = sim.now();
    if (p.stuckAfter === 'accepted') return;
    if (!(await sim.until(stageTime('started', marks, [], p.lateClock, history.delays.start)))) return;
    if (!(await work({ action: 'start' }))) return;
    marks.started = sim.now();
    if (p.stuckAfter === 'started') return;
    const pauses: Pause[] = [];
    if (p.pauseReason) {
      if (!(await sim.until(sim.now() + r.between(5, 60) * MINUTE))) return;
      const notes = history.texts.pause[p.pauseReason];
      if (
        !(await work({
          action: 'pause',
          pauseReason: p.pauseReason,
          ...(notes ? { note: r.pick(notes) } : {}),
        }))
      )
        return;
      const resumeAt = sample(history.delays.pause, sim.now(), r);
      pauses.push({ start: sim.now(), end: resumeAt });
      if (!(await sim.until(resumeAt))) return;
      if (!(await work({ action: 'resume' }))) return;
    }
    if (!(await resolve(marks, pauses, p.lateClock, history.delays.resolve))) return;

    // Callback, rework after an unsatisfied one, closing; maybe a reopening weeks later.
    let outcome = await followUp(true);
    while (outcome === 'reopened' && !stopped) {
      if (!(await rework())) return;
      outcome = await followUp(false);
    }
    if (outcome !== 'closed' || !p.reopenAfterClose) return;
    if (!(await sim.until(sample(history.delays.reopenAfterClose, sim.now(), r)))) return;
    if (!(await desk(closer, { action: 'reopen', note: r.pick(history.texts.reopen) }))) return;
    if (!(await rework())) return;
    await followUp(false);
  };

  for (const plan of plans) sim.spawn(plan.at, () => runCase(plan));

  // The escalation sweep, as the job runner would run it, at its own pace in simulated time.
  const sweepEvery = history.escalationSweepEvery ? parseDuration(history.escalationSweepEvery) : null;
  const sweep = async () => {
    await runCaseEscalations({ db, clock: simClock });
    summary.sweeps++;
  };
  if (sweepEvery && sweepEvery.kind !== 'workingDays' && sweepEvery.ms > 0) {
    const every = sweepEvery.ms;
    sim.spawn(start + every, async () => {
      do await sweep();
      while (await sim.until(sim.now() + every));
    });
  }
  await sim.run();
  simClock.set(new Date(end));
  if (sweepEvery) await sweep(); // as of now: at-risk and overdue notices of the open cases
  summary.ms = Date.now() - began;
  return summary;
};
