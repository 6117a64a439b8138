#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../platform/package-info.js';
import { auditCommand } from './audit.command.js';
import { demoCommand } from './demo.command.js';
import { importCommand } from './import.command.js';
import { indicatorsCommand } from './indicators.command.js';
import { migrateCommand } from './migrate.command.js';
import { reportCommand } from './report.command.js';
import { serveCommand } from './serve.command.js';
import { userCommand } from './user.command.js';
import { reportCliError } from './cli-support.js';

const program = new Command()
  .name('guankong')
  .description('Guankong 管控 — closed-loop management control')
  .version(packageVersion)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(migrateCommand());
program.addCommand(userCommand());
program.addCommand(auditCommand());
program.addCommand(demoCommand());
program.addCommand(importCommand());
program.addCommand(reportCommand());
program.addCommand(indicatorsCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were printed by commander.
    process.exitCode = error.exitCode;
  } else {
    reportCliError(error);
  }
}
