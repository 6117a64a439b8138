import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { exportIndicatorValues } from '../modules/indicators/indicator-export.js';
import { recomputeIndicators } from '../modules/indicators/indicator-compute.service.js';
import { isDay } from '../modules/indicators/indicator-periods.js';
import { listIndicators } from '../modules/indicators/indicators.service.js';
import type { Indicator } from '../modules/indicators/indicators.service.js';
import { getUnitByCode } from '../modules/org/units.service.js';
import { requirePermission, systemActor } from '../platform/access.js';
import { systemClock } from '../platform/clock.js';
import { withDatabase } from './cli-support.js';

/*
 * `guankong indicators recompute | list | export`: what an operator runs from cron or by hand after
 * a late batch of data (recompute), to see what is defined (list), or to hand a table to someone
 * without a login (export). The system actor, as the other commands; errors through main.ts.
 */

const parseDay = (value: string): string => {
  if (!isDay(value)) throw new InvalidArgumentError(`expected a day as YYYY-MM-DD, got ${value}`);
  return value;
};

/** A month `YYYY-MM` to its first and last day. */
export const monthDays = (value: string): { from: string; to: string } => {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value.trim());
  if (!m) throw new Error(`--period: expected a month as YYYY-MM, got ${value} / 月份格式应为 YYYY-MM`);
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return { from: `${m[1]}-${m[2]}-01`, to: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}` };
};

const describeSource = (indicator: Indicator) => {
  const { source } = indicator.definition;
  return source.kind === 'loaded' ? '导入 loaded' : `计算 computed: ${source.from}`;
};

export const indicatorsCommand = () => {
  const command = new Command('indicators').description('Indicators (指标): recompute, list, export');

  command
    .command('recompute')
    .description(
      'Recompute the computed indicators over a range of days (default: the current and the previous period); writes only differences',
    )
    .option('--from <day>', 'first day, YYYY-MM-DD', parseDay)
    .option('--to <day>', 'last day, YYYY-MM-DD (default: today, when --from is given)', parseDay)
    .option('--period <month>', 'a month, YYYY-MM: from its first to its last day (instead of --from/--to)')
    .option('--indicator <key...>', 'only these indicators (list several, or repeat the option)')
    .option('--json', 'print the counts as JSON')
    .action(
      async (options: {
        from?: string;
        to?: string;
        period?: string;
        indicator?: string[];
        json?: boolean;
      }) => {
        if (options.period !== undefined && (options.from !== undefined || options.to !== undefined))
          throw new Error('give --period or --from/--to, not both / --period 与 --from/--to 只能选一种');
        const range = options.period !== undefined ? monthDays(options.period) : options;
        if (range.from !== undefined && range.to !== undefined && range.from > range.to)
          throw new Error(`--from ${range.from} is after --to ${range.to} / 起始日期晚于结束日期`);
        const started = performance.now();
        const result = await withDatabase(
          async (db) => {
            requirePermission(systemActor('cli'), 'indicators.manage');
            return recomputeIndicators(
              { indicators: options.indicator, from: range.from, to: range.to },
              { db, clock: systemClock },
            );
          },
          { migrate: true },
        );
        if (options.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        console.log(
          `已重算指标 / indicators recomputed: ${result.indicators} 个指标 indicators, ` +
            `${result.periods} 个期间 periods, ${result.valuesWritten} 个数值 values written, ` +
            `${result.rollupsWritten} 个汇总 roll-ups written ` +
            `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
        );
      },
    );

  command
    .command('list')
    .description('List the indicators: key, name, measure, grain, source')
    .option('--json', 'print the definitions as JSON')
    .action(async (options: { json?: boolean }) => {
      const indicators = await withDatabase(async (db) => listIndicators({ db, actor: systemActor('cli') }), {
        migrate: true,
      });
      if (options.json) {
        console.log(JSON.stringify(indicators, null, 2));
        return;
      }
      if (indicators.length === 0) {
        console.log('没有指标 / no indicators defined');
        return;
      }
      for (const { key, definition: d, ...rest } of indicators)
        console.log(
          `${key}\t${d.name}${d.nameEn ? ` / ${d.nameEn}` : ''}\t${d.measure.kind}\t${d.grain}\t` +
            describeSource({ key, definition: d, ...rest }),
        );
      console.log(`共 ${indicators.length} 个指标 / ${indicators.length} indicators`);
    });

  command
    .command('export')
    .description(
      'Write the values of an indicator to an Excel file (units × periods, with targets and status)',
    )
    .argument('<key>', 'the indicator key')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .option('--unit <code>', "the unit (default: the organisation's top units)")
    .addOption(
      new Option('--units <which>', 'the unit only, its children, or its whole subtree')
        .choices(['unit', 'children', 'subtree'])
        .default('subtree'),
    )
    .option('--from <period>', 'first period as written for the grain (2026-10, 2026-Q4, a day)')
    .option('--to <period>', 'last period (default: the current one)')
    .action(
      async (
        key: string,
        options: {
          out: string;
          unit?: string;
          units: 'unit' | 'children' | 'subtree';
          from?: string;
          to?: string;
        },
      ) => {
        const file = await withDatabase(
          async (db) => {
            const deps = { db, clock: systemClock, actor: systemActor('cli') };
            const unitId = options.unit ? (await getUnitByCode({ code: options.unit }, deps)).id : undefined;
            return exportIndicatorValues(
              {
                indicator: key,
                query: {
                  units: options.units,
                  ...(unitId !== undefined ? { unitId } : {}),
                  ...(options.from !== undefined ? { from: options.from } : {}),
                  ...(options.to !== undefined ? { to: options.to } : {}),
                },
              },
              deps,
            );
          },
          { migrate: true },
        );
        writeFileSync(options.out, file.content);
        console.log(
          `已导出 / exported: ${key} → ${options.out} (${(file.content.length / 1024).toFixed(0)} KB)`,
        );
      },
    );

  return command;
};
