import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from './config.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'guankong-config-'));

describe('config', () => {
  it('starts SQLite mode with no variables at all, and generates a persistent session secret', () => {
    const dir = tempDir();
    const config = loadConfig({ GUANKONG_DATA_DIR: dir });
    // The SQLite file lives in the data folder: a fresh folder is a fresh database.
    expect(config.database).toEqual({ dialect: 'sqlite', file: path.join(dir, 'guankong.sqlite') });
    expect(loadConfig({ GUANKONG_SESSION_SECRET: 's'.repeat(40) }).database).toEqual({
      dialect: 'sqlite',
      file: path.resolve('data/guankong.sqlite'),
    });
    expect(config.port).toBe(8080);
    expect(config.demoData).toBe(true);
    const file = path.join(dir, 'session-secret');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(config.sessionSecret);
    expect(loadConfig({ GUANKONG_DATA_DIR: dir }).sessionSecret).toBe(config.sessionSecret);
  });

  it('switches to PostgreSQL for a postgres:// URL and then requires the session secret', () => {
    const url = 'postgres://app:hunter2@db.internal/guankong';
    expect(() => loadConfig({ GUANKONG_DATABASE_URL: url })).toThrow(ConfigError);
    const config = loadConfig({ GUANKONG_DATABASE_URL: url, GUANKONG_SESSION_SECRET: 's'.repeat(40) });
    expect(config.database).toEqual({ dialect: 'postgres', url });
    expect(config.demoData).toBe(false);
  });

  it('names the variable of a bad value, and never echoes a secret', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig({ GUANKONG_DATA_DIR: tempDir(), ...env });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    expect(bad({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(bad({ GUANKONG_PUBLIC_URL: 'ftp://gk.example.com' }).variable).toBe('GUANKONG_PUBLIC_URL');
    expect(
      loadConfig({ GUANKONG_DATA_DIR: tempDir(), GUANKONG_PUBLIC_URL: 'https://gk.example.com/' }).publicUrl,
    ).toBe('https://gk.example.com');
    expect(bad({ PORT: '70000' }).message).toContain('PORT');
    expect(bad({ LOG_LEVEL: 'loud' }).variable).toBe('LOG_LEVEL');
    const secret = bad({ GUANKONG_SESSION_SECRET: 'short-secret-value' });
    expect(secret.variable).toBe('GUANKONG_SESSION_SECRET');
    expect(secret.message).not.toContain('short-secret-value');
    const url = bad({ GUANKONG_DATABASE_URL: 'mysql://root:topsecret@host/db' });
    expect(url.variable).toBe('GUANKONG_DATABASE_URL');
    expect(url.message).not.toContain('topsecret');
  });

  it('documents every variable', () => {
    for (const [name, spec] of Object.entries(configVariables)) {
      expect(spec.doc.length, name).toBeGreaterThan(10);
    }
  });
});
