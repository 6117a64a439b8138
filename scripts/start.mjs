// `npm start`: builds what is missing or older than its sources, then runs `guankong serve`.
// A fresh clone has no dist/, so the first start builds (about half a minute); later starts
// go straight to the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const newestMtime = (entry) => {
  const full = path.join(root, entry);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
};

const targets = [
  { name: 'server', script: 'build:server', stamp: 'dist/server/.stamp', sources: ['src', 'tsconfig.build.json', 'tsconfig.base.json', 'package-lock.json'] },
  { name: 'web', script: 'build:web', stamp: 'dist/web/.stamp', sources: ['web', 'package-lock.json'] },
];

for (const target of targets) {
  const stamp = path.join(root, target.stamp);
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (builtAt >= Math.max(...target.sources.map(newestMtime))) continue;
  console.log(`Building the ${target.name} (npm run ${target.script}) …`);
  const result = spawnSync('npm', ['run', '--silent', target.script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, new Date().toISOString() + '\n');
}

if (process.argv.includes('--build-only')) process.exit(0);

const server = spawn(process.execPath, [path.join(root, 'dist/server/cli/main.js'), 'serve', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Pass stop signals on, so that stopping `npm start` stops the server cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
