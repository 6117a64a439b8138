import { ZodError } from 'zod';
import { loadConfig } from '../platform/config/config.js';
import type { Config } from '../platform/config/config.js';
import { ConfigError } from '../platform/config/config.js';
import { createDatabase, databaseOptionsFromConfig } from '../platform/db/database.js';
import type { Db } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrations.js';
import { isAppError } from '../platform/errors/app-error.js';
import { messageOf } from '../platform/errors/catalog.js';

/** Prints an error the way a person can act on it, and sets a non-zero exit code. */
export const reportCliError = (error: unknown): void => {
  process.exitCode = 1;
  if (error instanceof ConfigError) {
    console.error(`配置错误 / configuration error: ${error.variable}: ${error.reason}`);
  } else if (isAppError(error)) {
    const details = Object.keys(error.details).length ? ` ${JSON.stringify(error.details)}` : '';
    console.error(
      `错误 / error [${error.code}]: ${messageOf(error.code, 'zh-CN', error.details)} / ${messageOf(error.code, 'en', error.details)}${details}`,
    );
  } else if (error instanceof ZodError) {
    for (const issue of error.issues)
      console.error(`错误 / error: ${issue.path.join('.') || 'input'}: ${issue.message}`);
  } else {
    console.error(`错误 / error: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/**
 * Opens the configured database for one command and closes it afterwards. Commands that
 * write first bring the schema up to date, so they work on a database never served yet.
 */
export const withDatabase = async <T>(
  work: (db: Db, config: Config) => Promise<T>,
  { migrate = false } = {},
): Promise<T> => {
  const config = loadConfig();
  const db = createDatabase(databaseOptionsFromConfig(config));
  try {
    if (migrate) await migrateToLatest(db);
    return await work(db, config);
  } finally {
    await db.destroy();
  }
};

/** Reads a line from stdin without echo when it is a terminal (for passwords). */
export const readSecretFromStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
};
