// Builds the server (tsc) and the web app (Vite). `node scripts/build.mjs` builds both;
// `--if-stale` builds only what is missing or older than its sources (npm start, tests);
// names (`server`, `web`) limit it to those targets.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const targets = {
  server: {
    command: ['tsc', '-p', 'tsconfig.build.json'],
    stamp: 'dist/server/.stamp',
    sources: ['src', 'tsconfig.build.json', 'tsconfig.base.json', 'package-lock.json'],
  },
  web: {
    command: ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    stamp: 'dist/web/.stamp',
    sources: ['web', 'tsconfig.base.json', 'package-lock.json'],
  },
};

const newestMtime = (entry) => {
  const full = path.join(root, entry);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
};

const isStale = ({ stamp, sources }) => {
  const file = path.join(root, stamp);
  return !existsSync(file) || statSync(file).mtimeMs < Math.max(...sources.map(newestMtime));
};

/** Builds the named targets (all by default); with `ifStale`, only those older than their sources. */
export const build = ({ names = Object.keys(targets), ifStale = false } = {}) => {
  for (const name of names) {
    const target = targets[name];
    if (!target) throw new Error(`unknown build target: ${name}`);
    if (ifStale && !isStale(target)) continue;
    console.log(`Building the ${name} (${target.command.join(' ')}) …`);
    const bin = path.join(root, 'node_modules', '.bin', target.command[0]);
    const result = spawnSync(bin, target.command.slice(1), { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`building the ${name} failed (exit ${result.status})`);
    writeFileSync(path.join(root, target.stamp), new Date().toISOString() + '\n');
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('--'));
  try {
    build({ names: names.length ? names : undefined, ifStale: args.includes('--if-stale') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
