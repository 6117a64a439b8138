import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { importTargets } from '../import-targets.js';
import type {
  CustomerImportMode,
  CustomerImportProblem,
} from '../modules/customers/customers-import.service.js';
import {
  checkImportSize,
  customerImportModes,
  importCustomers,
} from '../modules/customers/customers-import.service.js';
import { toCsv } from '../modules/imports/csv-export.js';
import type { ImportMode, ImportProgress } from '../modules/imports/import-runner.js';
import { importModes, problemRows } from '../modules/imports/import-runner.js';
import { getImportProfile } from '../modules/imports/import-profiles.service.js';
import type { ImportTargetDefinition } from '../modules/imports/import-target.js';
import { optionsOf } from '../modules/imports/import-target.js';
import { getUnitByCode } from '../modules/org/units.service.js';
import { actorOfUser, getUserByUsername } from '../modules/org/users.service.js';
import { systemActor } from '../platform/access.js';
import { systemClock } from '../platform/clock.js';
import { AppError, isAppError } from '../platform/errors/app-error.js';
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
  // Every target of the registry: `guankong import <target> <file>` with the target's options.
  for (const target of Object.values(importTargets)) {
    const sub = command
      .command(target.key)
      .description(
        `Import ${target.nameEn} (${target.name}) from a CSV file (any encoding) or an XLSX workbook`,
      )
      .argument('<file>', 'the CSV or XLSX file')
      .option('--profile <name>', 'an import profile: its mapping, mode and options (flags given here win)')
      .option(
        '--mode <mode>',
        'dry-run, all-or-nothing (default) or skip-bad (dry_run, all_or_nothing, skip_bad also accepted)',
        parseMode,
      )
      .option('--mapping <json>', 'a mapping: {"field": "header", …} (guessed from the headers when absent)')
      .option('--errors <file>', 'write the bad rows to this CSV file (opens in Excel)')
      .option('--json', 'print the report as JSON')
      .option(
        '--as <username>',
        "run as this user: his permissions and scope, his name in the audit trail (an outcome sheet must be imported as its targets' assignee)",
      );
    for (const option of optionsOf(target))
      sub.option(`--${kebab(option.key)} <value>`, `${option.label}${option.required ? ' (required)' : ''}`);
    sub.action((file: string, flags: Record<string, string | boolean | undefined>) =>
      runTargetImport(target, file, flags),
    );
  }
  return command;
};

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const parseMode = (value: string): ImportMode => {
  const mode = value.replaceAll('-', '_');
  if (!(importModes as readonly string[]).includes(mode))
    throw new InvalidArgumentError(`expected dry-run, all-or-nothing or skip-bad, got ${value}`);
  return mode as ImportMode;
};

const runTargetImport = async (
  target: ImportTargetDefinition,
  file: string,
  flags: Record<string, string | boolean | undefined>,
) => {
  const size = statSync(file).size;
  // The file through a byte counter, so that the bar knows how far the reader has got.
  let read = 0;
  const source = createReadStream(file).pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        read += chunk.length;
        done(null, chunk);
      },
    }),
  );
  const progress = progressPrinter(() => (size > 0 ? read / size : 1));
  const report = await withDatabase(
    async (db, config) => {
      const system = systemActor('cli');
      const actor =
        typeof flags.as === 'string'
          ? actorOfUser(await getUserByUsername({ username: flags.as }, { db, actor: system }))
          : system;
      const deps = {
        db,
        clock: systemClock,
        actor,
        targets: importTargets,
        dataDir: config.dataDir,
      };
      const profile =
        typeof flags.profile === 'string' ? await getImportProfile({ name: flags.profile }, deps) : undefined;
      if (profile && profile.target !== target.key)
        throw new AppError('imports.profile_target_mismatch', {
          name: profile.name,
          profileTarget: profile.target,
          target: target.key,
        });
      const options = { ...profile?.options };
      for (const option of optionsOf(target)) {
        const value = flags[option.key];
        if (typeof value === 'string') options[option.key] = value;
      }
      const mapping =
        typeof flags.mapping === 'string'
          ? (JSON.parse(flags.mapping) as Record<string, string>)
          : profile && Object.keys(profile.mapping).length > 0
            ? profile.mapping
            : undefined;
      return target.run(
        {
          source,
          mode: (flags.mode as ImportMode | undefined) ?? profile?.mode ?? 'all_or_nothing',
          mapping,
          options,
          onProgress: progress,
        },
        deps,
      );
    },
    { migrate: true },
  );
  progress.done();
  const errors = typeof flags.errors === 'string' ? flags.errors : undefined;
  if (errors) writeFileSync(errors, toCsv(problemRows(report)));
  if (flags.json) console.log(JSON.stringify(report, null, 2));
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
        `  … ${report.problemCount - 20} more${errors ? ` in ${errors}` : ' (--errors file.csv lists them all)'}`,
      );
  }
  if (!report.applied && report.mode !== 'dry_run') process.exitCode = 1;
};

/**
 * A progress bar on stderr: the share of the file read, rows and rows/s, redrawn in place on a
 * terminal (a line per update otherwise, for logs).
 */
const progressPrinter = (share: () => number) => {
  let last = { rows: 0, elapsedMs: 0 };
  const width = 20;
  const print = (p: ImportProgress) => {
    last = p;
    const rate = p.elapsedMs > 0 ? Math.round((p.rows / p.elapsedMs) * 1000) : 0;
    const done = Math.min(1, Math.max(0, share()));
    const filled = Math.round(done * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(done * 100)).padStart(3)}%`;
    const line = `  ${bar} ${p.rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s, ${p.bad} bad`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else process.stderr.write(`${line}\n`);
  };
  return Object.assign(print, {
    done: () => {
      if (process.stderr.isTTY && last.rows > 0) process.stderr.write('\n');
    },
  });
};
