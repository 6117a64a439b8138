// `npx tsx bench/calendar.bench.ts`: working-time additions per second on one core, against a
// naive minute-walking baseline in the same run (which also cross-checks the results).
// Calendar: Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai with the 2026 holidays and make-up
// days; starts at random minutes of 2026, durations 1 minute – 40 working hours.
import { addWorkingTime, compileCalendar, measureWorkingTime } from '../src/modules/calendar/working-time.js';
import type { CalendarDefinition, Duration } from '../src/modules/calendar/working-time.js';

const MINUTE = 60_000;
const count = Number(process.env.CALENDAR_BENCH_N ?? 1_000_000);
const naiveSeconds = Number(process.env.CALENDAR_BENCH_NAIVE_SECONDS ?? 3);

const hours: [string, string][] = [
  ['09:00', '12:00'],
  ['13:30', '18:00'],
];
const holidays: [string, string][] = [
  ['2026-01-01', '2026-01-03'],
  ['2026-02-15', '2026-02-23'],
  ['2026-04-04', '2026-04-06'],
  ['2026-05-01', '2026-05-05'],
  ['2026-06-19', '2026-06-21'],
  ['2026-09-25', '2026-09-27'],
  ['2026-10-01', '2026-10-07'],
];
const makeUpDays = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];
// No `coverage`: a start late in December may run into 2027, which then has weekly hours only.
const definition: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: [], sun: [] },
  holidays: holidays.map(([from, to]) => ({ from, to })),
  dateOverrides: makeUpDays.map((date) => ({ date, hours })),
};

// A deterministic generator, so that every run measures the same inputs.
let seed = 20261001;
const random = () => {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};
const yearStart = Date.parse('2026-01-01T00:00:00+08:00');
const starts = new Float64Array(count);
const durations: Duration[] = [];
for (let i = 0; i < count; i++) {
  starts[i] = yearStart + Math.floor(random() * 365 * 24 * 60) * MINUTE;
  durations.push({ kind: 'working', ms: (1 + Math.floor(random() * 40 * 60)) * MINUTE });
}

/** The naive way: step minute by minute, asking of each minute whether it is working time. */
const naiveCalendar = () => {
  const offset = 8 * 60 * MINUTE; // Asia/Shanghai has had no DST since 1991
  const closed = new Set<string>();
  for (const [from, to] of holidays)
    for (let d = Date.parse(from); d <= Date.parse(to); d += 1440 * MINUTE)
      closed.add(new Date(d).toISOString().slice(0, 10));
  const open = new Set(makeUpDays);
  const ranges = hours.map(([s, e]) => [
    Number(s.slice(0, 2)) * 60 + Number(s.slice(3)),
    Number(e.slice(0, 2)) * 60 + Number(e.slice(3)),
  ]);
  let dayKey = -1;
  let working = false;
  const isWorkingMinute = (t: number) => {
    const local = t + offset;
    const day = Math.floor(local / (1440 * MINUTE));
    if (day !== dayKey) {
      dayKey = day;
      const date = new Date(day * 1440 * MINUTE);
      const key = date.toISOString().slice(0, 10);
      const weekday = date.getUTCDay();
      working = open.has(key) || (weekday >= 1 && weekday <= 5 && !closed.has(key));
    }
    if (!working) return false;
    const minute = Math.floor((local % (1440 * MINUTE)) / MINUTE);
    return ranges.some(([s, e]) => s! <= minute && minute < e!);
  };
  return (start: number, ms: number) => {
    let t = start;
    for (let left = ms / MINUTE; ; t += MINUTE) if (isWorkingMinute(t) && --left === 0) return t + MINUTE;
  };
};

const rate = (operations: number, ms: number) => (operations / ms) * 1000;
const format = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')} /s`;

const compileStarted = performance.now();
const calendar = compileCalendar(definition);
addWorkingTime({ calendar, start: yearStart, duration: { kind: 'working', ms: MINUTE } });
addWorkingTime({ calendar, start: yearStart, duration: { kind: 'working', ms: 3000 * 60 * MINUTE } });
const compileMs = performance.now() - compileStarted;

const engineRun = () => {
  let checksum = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++)
    checksum +=
      addWorkingTime({ calendar, start: starts[i]!, duration: durations[i]! }).getTime() - starts[i]!;
  return { ms: performance.now() - started, checksum };
};
engineRun(); // warm-up
const engineRuns = [engineRun(), engineRun(), engineRun()].sort((a, b) => a.ms - b.ms);
const engine = engineRuns[1]!;

const ends = new Float64Array(count);
for (let i = 0; i < count; i++)
  ends[i] = addWorkingTime({ calendar, start: starts[i]!, duration: durations[i]! }).getTime();
const measureStarted = performance.now();
let measured = 0;
for (let i = 0; i < count; i++)
  measured += measureWorkingTime({ calendar, start: starts[i]!, end: ends[i]! });
const measureMs = performance.now() - measureStarted;
let mismatches = 0;
if (measured !== durations.reduce((sum, d) => sum + (d.kind === 'working' ? d.ms : 0), 0)) mismatches++;

const naive = naiveCalendar();
let naiveDone = 0;
const naiveStarted = performance.now();
while (naiveDone < count && performance.now() - naiveStarted < naiveSeconds * 1000) {
  const duration = durations[naiveDone]!;
  const end = naive(starts[naiveDone]!, duration.kind === 'working' ? duration.ms : 0);
  if (end !== ends[naiveDone]) mismatches++;
  naiveDone++;
}
const naiveMs = performance.now() - naiveStarted;

const engineRate = rate(count, engine.ms);
const naiveRate = rate(naiveDone, naiveMs);
console.log(`calendar: compile 2026 + 2027 + a 3000-hour jump: ${compileMs.toFixed(1)} ms`);
console.log(
  `calendar: addWorkingTime, ${count.toLocaleString('en-US')} additions (median of 3): ${format(engineRate)}`,
);
console.log(
  `calendar: measureWorkingTime, ${count.toLocaleString('en-US')} measures: ${format(rate(count, measureMs))}`,
);
console.log(
  `calendar: naive minute walking, ${naiveDone.toLocaleString('en-US')} additions: ${format(naiveRate)}`,
);
console.log(`calendar: ratio engine / naive: ${(engineRate / naiveRate).toFixed(0)}×`);
console.log(
  `calendar: results checked against the naive walk and by measuring back: ${mismatches} mismatches`,
);
console.log(`calendar: target ≥ 1,000,000 additions/s: ${engineRate >= 1_000_000 ? 'met' : 'NOT met'}`);
if (mismatches > 0) process.exitCode = 1;
