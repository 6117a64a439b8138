import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  ...process.env,
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: path.join(dir, 'cli.sqlite'),
  LOG_LEVEL: 'silent',
};

/** Runs the real CLI entry point (TypeScript through tsx, as `npm run guankong` would run the built one). */
const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...env, ...options.env },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe('guankong CLI', () => {
  it('prints help for the program and each command', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'user', 'audit']) expect(help.out).toContain(command);
    const userHelp = cli(['user', 'create', '--help']);
    expect(userHelp.code).toBe(0);
    expect(userHelp.out).toContain('--password-stdin');
  });

  it('migrates, creates a user with a password from stdin, and resets it', () => {
    const migrate = cli(['migrate']);
    expect(migrate.code, migrate.err).toBe(0);
    expect(migrate.out).toContain('0001_org_units_people_users');
    const created = cli(['user', 'create', 'zhang.wei', '--name', '张伟'], {
      input: 'a very long password\n',
    });
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('zhang.wei');
    expect(created.out).not.toContain('a very long password');
    const reset = cli(['user', 'reset-password', 'zhang.wei']);
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).toMatch(/new password: \S{16}/);
  });

  it('exits non-zero with a message on bad input', () => {
    const badRole = cli(['user', 'create', 'x.y', '--name', 'X', '--role', 'emperor', '--unit', 'GK']);
    expect(badRole.code).not.toBe(0);
    expect(badRole.err).toContain('emperor');
    const missing = cli(['user', 'reset-password', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('org.user_not_found');
    const shortPassword = cli(['user', 'create', 'short.pw', '--name', 'S', '--password-stdin'], {
      input: 'short\n',
    });
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.err).toContain('password');
    const badConfig = cli(['migrate'], { env: { PORT: 'eighty' } });
    expect(badConfig.code).toBe(1);
    expect(badConfig.err).toContain('PORT');
    const unknown = cli(['frobnicate']);
    expect(unknown.code).not.toBe(0);
  });

  it('verifies the audit chain, and names a tampered row', () => {
    const ok = cli(['audit', 'verify']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/intact: \d+ rows/);
    const raw = new Database(path.join(dir, 'cli.sqlite'));
    raw.exec('drop trigger audit_log_no_update');
    raw.prepare("update audit_log set actor_name = 'mallory' where id = 1").run();
    raw.close();
    const broken = cli(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('row 1: edited');
  });
});
