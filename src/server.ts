import { hostname } from 'node:os';
import type { FastifyServerOptions } from 'fastify';
import { authHousekeepingSweep } from './modules/auth/auth.sweeps.js';
import { caseEscalationSweep } from './modules/cases/cases.sweeps.js';
import { indicatorsAlertSweep, indicatorsRecomputeSweep } from './modules/indicators/indicators.sweeps.js';
import { createNotificationJobHandlers } from './modules/notifications/notifications.jobs.js';
import { ensureStandardCalendar } from './modules/calendar/calendar.service.js';
import { createJobRunner } from './platform/jobs/jobs.runner.js';
import type { App } from './app.js';
import { buildApp, prepareDatabase } from './app.js';
import type { FirstRun } from './bootstrap.js';
import { prepareFirstRun } from './bootstrap.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config/config.js';

export type RunningServer = App & { url: string; firstRun: FirstRun | null };

/** Every module's recurring work; the job runner enqueues each once per slot across all processes. */
const sweeps = [authHousekeepingSweep, caseEscalationSweep, indicatorsRecomputeSweep, indicatorsAlertSweep];

/**
 * Opens the database, applies migrations, prepares an empty database (first admin, demo
 * organisation), and listens. Used by `guankong serve`, the end-to-end tests and the benchmarks.
 */
export const startServer = async (
  config: Config,
  options: { logger?: FastifyServerOptions['logger']; clock?: Clock; webRoot?: string } = {},
): Promise<RunningServer> => {
  const app = await buildApp({ config, ...options });
  try {
    await prepareDatabase(app.ctx.db);
    await ensureStandardCalendar(app.ctx);
    const firstRun = await prepareFirstRun(app.ctx);
    const address = await app.http.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    const runner = config.jobs
      ? createJobRunner({
          db: app.ctx.db,
          clock: app.ctx.clock,
          workerId: `${hostname()}:${process.pid}`,
          handlers: {
            ...createNotificationJobHandlers(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
          },
          sweeps,
          log: app.http.log,
        })
      : null;
    runner?.start({ pollMs: 5000 });
    return {
      ...app,
      url,
      firstRun,
      close: async () => {
        await runner?.stop();
        await app.close();
      },
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
};

/** What a newcomer must see once: where to go and how to log in. */
export const describeFirstRun = (url: string, firstRun: FirstRun | null): string[] => {
  const lines = [`Guankong 管控 is running at ${url}`];
  if (firstRun) {
    lines.push(
      '',
      '首次启动：已创建系统管理员 / First start: the administrator account was created',
      `  用户名 username: ${firstRun.admin.username}`,
      firstRun.admin.generated
        ? `  密码 password:   ${firstRun.admin.password}   (只显示这一次 / shown only this once)`
        : '  密码 password:   (GUANKONG_ADMIN_PASSWORD)',
    );
    if (firstRun.demo) {
      lines.push(
        '',
        `示例账号 demo accounts: ${firstRun.demo.usernames.join(', ')}`,
        `  密码 password:   ${firstRun.demo.password}   (只显示这一次 / shown only this once)`,
      );
    }
  }
  return lines;
};
