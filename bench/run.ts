// `npm run bench`: throughput of an authenticated list endpoint against a bare Fastify route,
// and the cold start of the built server, each with its baseline measured in the same run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const root = path.resolve(import.meta.dirname, '..');
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

type Started = { child: ChildProcess; url: string; ms: number };

// Servers run in their own process groups; make sure none outlives the benchmark.
const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGPIPE'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(1);
  });
}

/** Spawns a server process and resolves when its health endpoint first answers 200. */
const startProcess = async (args: string[], env: Record<string, string>, port: number): Promise<Started> => {
  const started = performance.now();
  const [command, ...rest] = args[0] === 'npm' ? args : [process.execPath, ...args];
  // Its own process group, so that stopping `npm start` also stops the server it runs.
  const child = spawn(command as string, rest, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.status === 200) return { child, url, ms: performance.now() - started };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-(child.pid as number), 'SIGTERM');
  });

const load = async (url: string, headers: Record<string, string> = {}) => {
  // Warm-up first, so both servers are measured with their code optimised by the JIT.
  await autocannon({ url, connections, duration: 2, headers });
  const result = await autocannon({ url, connections, duration: durationSeconds, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-bench-'));
const serverEnv = {
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: path.join(dir, 'bench.sqlite'),
  GUANKONG_ADMIN_PASSWORD: 'bench-admin-password',
  HOST: '127.0.0.1',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
};
const server = ['dist/server/cli/main.js', 'serve'];

try {
  // First start: migrations and the demo organisation; later starts find them in place.
  const first = await startProcess(server, serverEnv, 18080);
  const login = await fetch(`${first.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const body = await (await fetch(`${first.url}/api/v1/units`, { headers: { cookie } })).text();
  await stop(first.child);

  console.log(
    `Throughput: ${connections} connections × ${durationSeconds} s, GET /api/v1/units (${body.length} bytes)`,
  );
  const bare = await startProcess(['bench/bare-server.mjs'], { BENCH_BODY: body }, 18081);
  const bareResult = await load(`${bare.url}/api/v1/units`);
  await stop(bare.child);
  const app = await startProcess(server, serverEnv, 18080);
  const appResult = await load(`${app.url}/api/v1/units`, { cookie });
  await stop(app.child);
  const ratio = appResult.rps / bareResult.rps;
  console.log(
    `  bare Fastify route      ${bareResult.rps.toFixed(0).padStart(7)} req/s   p99 ${bareResult.p99} ms`,
  );
  console.log(
    `  authenticated list      ${appResult.rps.toFixed(0).padStart(7)} req/s   p99 ${appResult.p99} ms`,
  );
  console.log(
    `  ratio                   ${ratio.toFixed(2)}   (target ≥ 0.50)  ${ratio >= 0.5 ? 'PASS' : 'FAIL'}`,
  );

  console.log('Cold start to first 200 from /api/v1/health (median of 5, database already prepared)');
  const bareStarts: number[] = [];
  const appStarts: number[] = [];
  const npmStarts: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const b = await startProcess(['bench/bare-server.mjs'], {}, 18081);
    bareStarts.push(b.ms);
    await stop(b.child);
    const a = await startProcess(server, serverEnv, 18080);
    appStarts.push(a.ms);
    await stop(a.child);
    const n = await startProcess(['npm', 'start'], serverEnv, 18080);
    npmStarts.push(n.ms);
    await stop(n.child);
  }
  const appStart = median(appStarts);
  console.log(`  bare Fastify process    ${median(bareStarts).toFixed(0).padStart(7)} ms`);
  const npmStart = median(npmStarts);
  console.log(
    `  guankong serve          ${appStart.toFixed(0).padStart(7)} ms   ratio ${(appStart / median(bareStarts)).toFixed(2)}`,
  );
  console.log(
    `  npm start               ${npmStart.toFixed(0).padStart(7)} ms   ratio ${(npmStart / median(bareStarts)).toFixed(2)}   (target ≤ 2000 ms)  ${npmStart <= 2000 ? 'PASS' : 'FAIL'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
