import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Guankong reads, in one place. Each entry documents
 * itself; `secret: true` marks values that must never be logged or echoed.
 * Defaults start the embedded SQLite mode with no setup at all.
 */
export const configVariables = {
  GUANKONG_DATABASE_URL: {
    doc: 'SQLite file path (default <GUANKONG_DATA_DIR>/guankong.sqlite) or a postgres:// URL, which switches to PostgreSQL.',
    secret: true, // a PostgreSQL URL may carry a password
    schema: z.string().min(1).optional(),
  },
  GUANKONG_DATA_DIR: {
    doc: 'Folder for the SQLite file, the generated session secret and other local state.',
    secret: false,
    schema: z.string().min(1).default('data'),
  },
  PORT: {
    doc: 'HTTP port to listen on.',
    secret: false,
    schema: z.coerce.number().int().min(0).max(65535).default(8080),
  },
  HOST: {
    doc: 'Interface to listen on; 0.0.0.0 to accept connections from other machines.',
    secret: false,
    schema: z.string().min(1).default('127.0.0.1'),
  },
  LOG_LEVEL: {
    doc: 'pino log level.',
    secret: false,
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
  GUANKONG_LOG_FORMAT: {
    doc: '"json" (one JSON object per line, for log collectors), "pretty" (readable lines), or "auto": pretty when the output is a terminal, JSON otherwise.',
    secret: false,
    schema: z.enum(['auto', 'json', 'pretty']).default('auto'),
  },
  GUANKONG_SESSION_SECRET: {
    doc: 'Key for hashing session and API tokens (at least 32 characters). Generated and stored in the data folder in SQLite mode; required in PostgreSQL mode so that all processes share it.',
    secret: true,
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
  },
  GUANKONG_SESSION_TTL_HOURS: {
    doc: 'How long a login session lasts without activity, in hours.',
    secret: false,
    schema: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(12),
  },
  GUANKONG_COOKIE_SECURE: {
    doc: '"auto" marks the session cookie Secure when the request came over HTTPS (also behind a proxy with GUANKONG_TRUST_PROXY); "true" or "false" force it.',
    secret: false,
    schema: z.enum(['auto', 'true', 'false']).default('auto'),
  },
  GUANKONG_TRUST_PROXY: {
    doc: 'Trust X-Forwarded-* headers (set when behind a reverse proxy).',
    secret: false,
    schema: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  },
  GUANKONG_BODY_LIMIT: {
    doc: 'Largest accepted request body, in bytes.',
    secret: false,
    schema: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
  },
  GUANKONG_DEMO_DATA: {
    doc: 'Load the demo organisation into an empty database at start-up ("true" in SQLite mode by default).',
    secret: false,
    schema: z.enum(['auto', 'true', 'false']).default('auto'),
  },
  GUANKONG_ADMIN_USERNAME: {
    doc: 'Login name of the first administrator created on an empty database.',
    secret: false,
    schema: z.string().min(1).default('admin'),
  },
  GUANKONG_ADMIN_PASSWORD: {
    doc: 'Password of the first administrator (at least 10 characters). When unset, a random one is generated and printed once.',
    secret: true,
    schema: z.string().min(10, 'must be at least 10 characters').optional(),
  },
  GUANKONG_PUBLIC_URL: {
    doc: 'The address users open Guankong at (e.g. https://gk.example.com); makes links in webhook messages absolute.',
    secret: false,
    schema: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  },
  GUANKONG_JOBS: {
    doc: 'Run the background job worker in this process.',
    secret: false,
    schema: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
  },
} as const;

type Variables = typeof configVariables;
type Raw = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

export type Dialect = 'sqlite' | 'postgres';

export type Config = {
  database: { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };
  dataDir: string;
  port: number;
  host: string;
  logLevel: Raw['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  sessionSecret: string;
  sessionTtlHours: number;
  cookieSecure: 'auto' | 'true' | 'false';
  trustProxy: boolean;
  bodyLimit: number;
  demoData: boolean;
  adminUsername: string;
  adminPassword: string | undefined;
  jobs: boolean;
  publicUrl: string | undefined;
};

/** Start-up stops with this; it names the variable and never echoes a secret value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const parseVariables = (env: NodeJS.ProcessEnv): Raw => {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configVariables)) {
    const value = env[name] === '' ? undefined : env[name];
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      const reason = result.error.issues.map((i) => i.message).join('; ');
      throw new ConfigError(name, spec.secret ? `${reason} (value hidden)` : `${reason} (got "${value}")`);
    }
    out[name] = result.data;
  }
  return out as Raw;
};

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/**
 * The session secret in SQLite mode: read from, or generated into, `<dataDir>/session-secret`
 * so that restarts keep sessions valid. PostgreSQL deployments run several processes,
 * which must share one secret, so there it has to come from the environment.
 */
const loadOrCreateSecret = (dataDir: string): string => {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
};

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const raw = parseVariables(env);
  const dataDir = path.resolve(raw.GUANKONG_DATA_DIR);
  // The SQLite file lives in the data folder unless placed elsewhere: a fresh data folder is a fresh database.
  const url = raw.GUANKONG_DATABASE_URL ?? path.join(dataDir, 'guankong.sqlite');
  const postgres = isPostgresUrl(url);
  if (!postgres && /^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new ConfigError(
      'GUANKONG_DATABASE_URL',
      'must be a SQLite file path or a postgres:// URL (value hidden)',
    );
  }
  if (postgres && !raw.GUANKONG_SESSION_SECRET) {
    throw new ConfigError(
      'GUANKONG_SESSION_SECRET',
      'is required in PostgreSQL mode (at least 32 characters)',
    );
  }
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  return {
    database: postgres
      ? { dialect: 'postgres', url }
      : { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) },
    dataDir,
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    logFormat:
      raw.GUANKONG_LOG_FORMAT === 'auto'
        ? process.stdout.isTTY
          ? 'pretty'
          : 'json'
        : raw.GUANKONG_LOG_FORMAT,
    sessionSecret: raw.GUANKONG_SESSION_SECRET ?? loadOrCreateSecret(dataDir),
    sessionTtlHours: raw.GUANKONG_SESSION_TTL_HOURS,
    cookieSecure: raw.GUANKONG_COOKIE_SECURE,
    trustProxy: raw.GUANKONG_TRUST_PROXY,
    bodyLimit: raw.GUANKONG_BODY_LIMIT,
    demoData: raw.GUANKONG_DEMO_DATA === 'auto' ? !postgres : raw.GUANKONG_DEMO_DATA === 'true',
    adminUsername: raw.GUANKONG_ADMIN_USERNAME,
    adminPassword: raw.GUANKONG_ADMIN_PASSWORD,
    jobs: raw.GUANKONG_JOBS,
    publicUrl: raw.GUANKONG_PUBLIC_URL,
  };
};
