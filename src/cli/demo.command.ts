import { Command, InvalidArgumentError } from 'commander';
import { generatePassword } from '../bootstrap.js';
import { listPackKeys, readPack } from '../modules/packs/pack-files.js';
import type { HistoryOverride } from '../modules/packs/pack.schema.js';
import type { PackLoadSummary, PackProgress } from '../modules/packs/packs.service.js';
import { loadPack } from '../modules/packs/packs.service.js';
import { systemActor } from '../platform/access.js';
import { systemClock } from '../platform/clock.js';
import { withDatabase } from './cli-support.js';

const positiveNumber = (text: string) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a positive number');
  return value;
};

const phaseNames: Record<PackProgress['phase'], string> = {
  units: '单元 units',
  people: '人员 people',
  users: '账号 users',
  customers: '客户 customers',
  caseTypes: '工单类型 case types',
  history: '历史工单 history',
  campaigns: '派单回访 campaigns',
  indicators: '指标 indicators',
};

/** Prints a line per phase and about every tenth of the history, so long loads show they are alive. */
const progressPrinter = () => {
  let lastPhase = '';
  let lastTenth = -1;
  return (p: PackProgress) => {
    if (p.phase !== 'history' && p.phase !== 'campaigns') {
      if (p.done === p.total && p.phase !== lastPhase) {
        lastPhase = p.phase;
        console.log(`  ${phaseNames[p.phase]}: ${p.total}`);
      }
      return;
    }
    const tenth = Math.floor((p.done / Math.max(1, p.total)) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      console.log(`  ${phaseNames[p.phase]}: ${p.done} / ${p.total}`);
    }
  };
};

const describeSummary = (s: PackLoadSummary, password: string): string[] => {
  const lines = [
    `已载入示例包 / loaded pack ${s.key} — ${s.name.zh} (${s.name.en})`,
    `  单元 units: ${s.units.created.length} created, ${s.units.existing} existing`,
    `  人员 people: ${s.people.created} created, ${s.people.existing} existing`,
    `  账号 users: ${s.users.created.length} created, ${s.users.existing.length} existing`,
  ];
  if (s.users.created.length > 0)
    lines.push(
      `    ${s.users.created.join(', ')}`,
      `    密码 password: ${password}   (只显示这一次 / shown only this once)`,
    );
  lines.push(
    `  客户 customers: ${s.customers.created} created, ${s.customers.existing} existing`,
    `  工单类型 case types: ${s.caseTypes.installed.length} installed, ${s.caseTypes.unchanged.length} unchanged`,
  );
  const h = s.history;
  if (h.generated) {
    lines.push(
      `  历史 history: ${h.cases} cases, ${h.actions} actions, ${h.callbacks} callbacks, ${h.sweeps} escalation sweeps` +
        ` (${h.from.slice(0, 10)} → ${h.to.slice(0, 10)}, ${(h.ms / 1000).toFixed(1)} s)`,
    );
    if (h.failures.length > 0)
      lines.push(
        `  警告 warning: ${h.failures.length} steps refused, e.g. ${h.failures
          .slice(0, 3)
          .map((f) => `${f.externalKey} ${f.action} ${f.code}`)
          .join('; ')}`,
      );
  } else
    lines.push(
      `  历史 history: ${h.reason === 'already_present' ? '已存在 / already present, not generated again' : 'not generated'}`,
    );
  const c = s.campaigns;
  if (c.generated) {
    lines.push(
      `  派单 campaigns: ${c.created.length} created (${c.created.join(', ')}), ${c.existing.length} existing; ` +
        `${c.targets} targets, ${c.followedUp} followed up, ${c.reactivated} reactivated (${(c.ms / 1000).toFixed(1)} s)`,
    );
    if (c.failures.length > 0)
      lines.push(
        `  警告 warning: ${c.failures.length} steps refused, e.g. ${c.failures
          .slice(0, 3)
          .map((f) => `${f.externalKey} ${f.action} ${f.code}`)
          .join('; ')}`,
      );
  } else if (c.reason === 'already_present') lines.push('  派单 campaigns: 已存在 / already present');
  const i = s.indicators;
  if (i.defined.length + i.updated.length + i.unchanged.length > 0)
    lines.push(
      `  指标 indicators: ${i.defined.length} defined, ${i.updated.length} updated, ${i.unchanged.length} unchanged`,
    );
  for (const l of s.series.loaded)
    lines.push(`    序列 series ${l.key}: ${l.rows} values (${l.from} → ${l.to})`);
  if (s.series.existing.length > 0)
    lines.push(`    序列 series: 已存在 / already present: ${s.series.existing.join(', ')}`);
  const r = s.recompute;
  if (r)
    lines.push(
      `    重算 recomputed ${r.indicators} indicators over ${r.from} → ${r.to}: ` +
        `${r.periods} periods, ${r.valuesWritten} values, ${r.rollupsWritten} roll-ups written`,
    );
  const v = s.views;
  lines.push(
    `  工单 cases: ${v.total} — open ${v.open}, at risk ${v.atRisk}, overdue ${v.overdue}, paused ${v.paused}, ` +
      `awaiting callback ${v.awaitingCallback}, closed ${v.closed}, cancelled ${v.cancelled}`,
  );
  return lines;
};

export const demoCommand = () =>
  new Command('demo')
    .description(
      'Load a demo pack (units, users, customers, case types and months of generated history); running it again adds nothing',
    )
    .argument('[pack]', 'pack name, e.g. property-service')
    .option('-l, --list', 'list the packs')
    .option('--days <days>', 'length of the generated history in days (default: the pack’s)', positiveNumber)
    .option('--cases-per-day <n>', 'cases per working day (default: the pack’s)', positiveNumber)
    .option('--no-history', 'load the configuration only, without generated history')
    .action(
      async (
        key: string | undefined,
        options: { list?: boolean; days?: number; casesPerDay?: number; history: boolean },
      ) => {
        if (options.list) {
          for (const k of listPackKeys()) {
            const pack = readPack(k);
            console.log(`${k}\t${pack.name.zh} / ${pack.name.en}${pack.firstStart ? '\t(first start)' : ''}`);
          }
          return;
        }
        if (!key) throw new Error('给出示例包名或用 --list / name a pack, or use --list');
        readPack(key); // an unknown or broken pack fails before the database is opened
        const override: HistoryOverride = {
          ...(options.days !== undefined ? { days: options.days } : {}),
          ...(options.casesPerDay !== undefined ? { casesPerWorkingDay: options.casesPerDay } : {}),
        };
        const password = generatePassword();
        console.log(`正在载入示例包 / loading pack ${key} …`);
        const summary = await withDatabase(
          (db) =>
            loadPack(
              {
                key,
                password,
                history: options.history ? override : false,
                onProgress: progressPrinter(),
              },
              { db, clock: systemClock, actor: systemActor('cli') },
            ),
          { migrate: true },
        );
        for (const line of describeSummary(summary, password)) console.log(line);
      },
    );
