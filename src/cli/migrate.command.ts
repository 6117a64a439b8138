import { Command } from 'commander';
import { migrateToLatest } from '../platform/db/migrations.js';
import { withDatabase } from './cli-support.js';

export const migrateCommand = () =>
  new Command('migrate').description('Apply pending database migrations').action(async () => {
    const report = await withDatabase((db) => migrateToLatest(db));
    if (report.applied.length === 0)
      console.log(`数据库已是最新 / database is up to date (${report.alreadyApplied} migrations)`);
    for (const name of report.applied) console.log(`已应用 / applied: ${name}`);
  });
