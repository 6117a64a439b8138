import { readFileSync, statSync } from 'node:fs';
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
  return command;
};
