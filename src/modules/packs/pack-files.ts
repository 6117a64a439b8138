import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../platform/package-info.js';
import type { Pack } from './pack.schema.js';
import { packKeyPattern, ZPack } from './pack.schema.js';
import { AppError } from '../../platform/errors/app-error.js';

/*
 * Pack files: `packs/<key>.json` at the package root, read at run time. The folder sits beside
 * `src/` and `dist/`, so the same files serve `tsx`, the tests and the built server, and a
 * changed pack needs no build.
 */

/** Where the pack files are. */
export const packsFolder = path.join(packageRoot, 'packs');

/** The keys of the packs present, sorted. */
export const listPackKeys = (folder = packsFolder): string[] =>
  existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -'.json'.length))
        .filter((k) => packKeyPattern.test(k))
        .sort()
    : [];

/** Validates a parsed pack file; the issues name the JSON path. */
export const parsePack = (data: unknown, source = 'pack'): Pack => {
  const result = ZPack.safeParse(data);
  if (!result.success)
    throw new AppError('packs.invalid', {
      source,
      problem: result.error.issues
        .slice(0, 20)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  return result.data;
};

/** Reads and validates the pack with this key; an unknown key names the packs there are. */
export const readPack = (key: string, folder = packsFolder): Pack => {
  const available = listPackKeys(folder);
  if (!packKeyPattern.test(key) || !available.includes(key))
    throw new AppError('packs.unknown', { key, available: available.join(', ') || '—' });
  const file = path.join(folder, `${key}.json`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('packs.invalid', {
      source: `${key}.json`,
      problem: error instanceof Error ? error.message : String(error),
    });
  }
  const pack = parsePack(data, `${key}.json`);
  if (pack.key !== key)
    throw new AppError('packs.invalid', { source: `${key}.json`, problem: `its key is ${pack.key}` });
  return pack;
};
