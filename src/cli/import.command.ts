import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type {
  CustomerImportMode,
  CustomerImportProblem,
} from '../modules/customers/customers-import.service.js';
import {
  checkImportSize,
  customerImportModes,
  importCustomers,
} from '../modules/customers/customers-import.service.js';
import { importDispatchList } from '../modules/campaigns/dispatch-list.import.js';
import { toCsv } from '../modules/imports/csv-export.js';
import type { ImportMode, ImportProgress } from '../modules/imports/import-runner.js';
import { importModes, problemRows } from '../modules/imports/import-runner.js';
import { getUnitByCode } from '../modules/org/units.service.js';
import { systemActor } from '../platform/access.js';
import { systemClock } from '../platform/clock.js';
import { isAppError } from '../platform/errors/app-error.js';
import { messageOf } from '../platform/errors/catalog.js';
import { withDatabase } from './cli-support.js';

const printProblems = (problems: readonly CustomerImportProblem[], print: (line: string) => void) => {
  for (const p of problems) print(`  row ${p.row}, ${p.field}: ${p.message}`);
};

export const importCommand = () => {
  const command = new Command('import').description('Import data from files');

  command
    .command('customers')
    .description(
      'Import customers from a CSV file (UTF-8, header row); rows with a known external key update that customer',
    )
    .argument('<file>', 'the CSV file, e.g. customers.csv')
    .addOption(
      new Option(
        '--mode <mode>',
        'all_or_nothing: one bad row and nothing is written; skip_bad_rows: write the good rows',
      )
        .choices([...customerImportModes])
        .default('all_or_nothing'),
    )
    .option('-u, --unit <code>', 'unit code of new customers whose row has no 单元编码 (unitCode)')
    .action(async (file: string, options: { mode: CustomerImportMode; unit?: string }) => {
      checkImportSize(statSync(file).size); // a huge file is refused before it is read
      const csv = readFileSync(file);
      try {
        const result = await withDatabase(
          async (db) => {
            const deps = { db, clock: systemClock, actor: systemActor('cli') };
            const defaultUnitId = options.unit
              ? (await getUnitByCode({ code: options.unit }, deps)).id
              : undefined;
            return importCustomers({ csv, mode: options.mode, defaultUnitId }, deps);
          },
          { migrate: true },
        );
        console.log(
          `已导入客户 / customers imported: ${result.created} created, ${result.updated} updated, ` +
            `${result.unchanged} unchanged, ${result.skipped} skipped`,
        );
        if (result.problems.length > 0) {
          console.log(`跳过的行 / rows skipped (${result.skipped}):`);
          printProblems(result.problems, (line) => console.log(line));
        }
      } catch (error) {
        if (!isAppError(error) || error.code !== 'customers.import_invalid') throw error;
        // The rows, one a line, rather than the details as JSON.
        const problems = error.details.problems as CustomerImportProblem[];
        console.error(
          `错误 / error [${error.code}]: ${messageOf(error.code, 'zh-CN', error.details)} / ${messageOf(error.code, 'en', error.details)}`,
        );
        printProblems(problems, (line) => console.error(line));
        if (Number(error.details.problemCount) > problems.length)
          console.error(`  … ${Number(error.details.problemCount) - problems.length} more`);
        process.exitCode = 1;
      }
    });
  command
    .command('dispatch-list')
    .description(
      'Import a target list (派单清单, CSV in any encoding or XLSX) for a campaign; the same key imports into the same list again',
    )
    .argument('<file>', 'the CSV or XLSX file')
    .requiredOption('--list <key>', 'the list key, e.g. 2026-10-arrears')
    .requiredOption('--case-type <key>', 'the follow-up case type whose fields the columns fill')
    .requiredOption('--unit <code>', 'the unit the list belongs to (its targets lie under it)')
    .option('--name <name>', 'the list name (the key when absent)')
    .addOption(
      new Option('--mode <mode>', 'dry_run, all_or_nothing or skip_bad')
        .choices([...importModes])
        .default('all_or_nothing'),
    )
    .option(
      '--mapping <json>',
      'a saved mapping: {"field": "header", …} (guessed from the headers when absent)',
    )
    .option('--errors <file>', 'write the bad rows to this CSV file (opens in Excel)')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        file: string,
        options: {
          list: string;
          caseType: string;
          unit: string;
          name?: string;
          mode: ImportMode;
          mapping?: string;
          errors?: string;
          json?: boolean;
        },
      ) => {
        const progress = progressPrinter();
        const report = await withDatabase(
          async (db) => {
            const deps = { db, clock: systemClock, actor: systemActor('cli') };
            const unit = await getUnitByCode({ code: options.unit }, deps);
            return importDispatchList(
              {
                list: {
                  key: options.list,
                  name: options.name ?? options.list,
                  caseType: options.caseType,
                  unitId: unit.id,
                },
                source: file,
                mode: options.mode,
                mapping: options.mapping
                  ? (JSON.parse(options.mapping) as Record<string, string>)
                  : undefined,
                onProgress: progress,
              },
              deps,
            );
          },
          { migrate: true },
        );
        progress.done();
        if (options.errors) writeFileSync(options.errors, toCsv(problemRows(report)));
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(
            `${report.applied ? '已导入 / imported' : '未写入 / not written'} (${report.mode}): ${report.rows} rows in ${(report.elapsedMs / 1000).toFixed(1)} s — ` +
              `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.bad} bad`,
          );
          console.log(
            `  mapping: ${Object.entries(report.mapping)
              .map(([f, h]) => `${f} ← ${h}`)
              .join(', ')}`,
          );
          for (const p of report.problems.slice(0, 20))
            console.log(`  row ${p.row}, ${p.field || 'row'}: ${p.why} (${p.value})`);
          if (report.problemCount > 20)
            console.log(
              `  … ${report.problemCount - 20} more${options.errors ? ` in ${options.errors}` : ' (--errors file.csv lists them all)'}`,
            );
        }
        if (!report.applied && report.mode !== 'dry_run') process.exitCode = 1;
      },
    );
  return command;
};

/** A progress line on stderr (rows and rows/s), redrawn in place on a terminal. */
const progressPrinter = () => {
  let last = { rows: 0, elapsedMs: 0 };
  const print = (p: ImportProgress) => {
    last = p;
    const rate = p.elapsedMs > 0 ? Math.round((p.rows / p.elapsedMs) * 1000) : 0;
    const line = `  ${p.rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s, ${p.bad} bad`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else process.stderr.write(`${line}\n`);
  };
  return Object.assign(print, {
    done: () => {
      if (process.stderr.isTTY && last.rows > 0) process.stderr.write('\n');
    },
  });
};
