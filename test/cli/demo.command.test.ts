import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-demo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  ...process.env,
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: path.join(dir, 'cli.sqlite'),
  LOG_LEVEL: 'silent',
};

/** Runs the real CLI entry point, as test/cli/cli.test.ts does. */
const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe('guankong demo', () => {
  it('lists the packs', () => {
    const list = cli(['demo', '--list']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/property-service\s+物业服务 \/ Property service/);
  });

  it('exits non-zero with a message for an unknown pack or none', () => {
    const unknown = cli(['demo', 'no-such-pack']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Unknown pack: no-such-pack');
    expect(unknown.err).toContain('property-service');
    const none = cli(['demo']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('--list');
    const badDays = cli(['demo', 'property-service', '--days', 'many']);
    expect(badDays.code).not.toBe(0);
    expect(badDays.err).toContain('positive number');
  });

  it('loads a pack into an empty database, and a second run adds nothing', () => {
    const first = cli(['demo', 'property-service', '--days', '1', '--cases-per-day', '4']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('loaded pack property-service');
    expect(first.out).toMatch(/units: 13 created/);
    expect(first.out).toMatch(/users: 12 created/);
    expect(first.out).toMatch(/password: \S{16}/);
    expect(first.out).toMatch(/history: \d+ cases/);
    const again = cli(['demo', 'property-service']);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/units: 0 created, 13 existing/);
    expect(again.out).toMatch(/customers: 0 created/);
    expect(again.out).toContain('already present');
    expect(again.out).not.toContain('password');
  }, 240_000);
});
