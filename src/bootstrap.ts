import { randomBytes } from 'node:crypto';
import { seedDemoOrganisation } from './modules/org/org.demo.js';
import { createUnit, listUnits } from './modules/org/units.service.js';
import { countAccounts, createUser } from './modules/org/users.service.js';
import { listPackKeys, readPack } from './modules/packs/pack-files.js';
import { loadPack } from './modules/packs/packs.service.js';
import { systemActor } from './platform/access.js';
import { isAppError } from './platform/errors/app-error.js';
import { messageOf } from './platform/errors/catalog.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config/config.js';
import type { Db } from './platform/db/database.js';
import type { Deps } from './platform/deps.js';

export type FirstRun = {
  admin: { username: string; password: string; generated: boolean };
  demo: { usernames: string[]; password: string } | null;
};

/** A password a person can type from a terminal: 16 characters, no look-alikes. */
export const generatePassword = (): string => {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
};

/**
 * Loads every pack marked for the first start (property-service, and the others as they come)
 * with the demo password; returns the usernames it created. A pack that fails is reported and
 * skipped: the demo data is a convenience, the administrator account below is not.
 */
const loadFirstStartPacks = async (
  { password, log }: { password: string; log: (line: string) => void },
  deps: Deps,
): Promise<string[]> => {
  const usernames: string[] = [];
  for (const key of listPackKeys()) {
    try {
      if (!readPack(key).firstStart) continue;
      log(`正在载入示例包 / loading demo pack ${key} …`);
      const loaded = await loadPack({ key, password }, deps);
      usernames.push(...loaded.users.created);
      const h = loaded.history;
      log(
        `示例包 / demo pack ${key}: ${loaded.views.total} cases` +
          (h.generated
            ? ` (${h.from.slice(0, 10)} → ${h.to.slice(0, 10)}, ${(h.ms / 1000).toFixed(1)} s)`
            : ''),
      );
    } catch (error) {
      log(
        `示例包加载失败 / demo pack ${key} failed: ${
          isAppError(error)
            ? messageOf(error.code, 'zh-CN', error.details)
            : error instanceof Error
              ? error.message
              : String(error)
        }`,
      );
    }
  }
  return usernames;
};

/**
 * On an empty database: loads the demo organisation and the first-start packs (when
 * configured), makes sure there is a top-level unit, and creates the first administrator with
 * a grant on it. Returns the credentials to print once, or null when the database already had
 * users.
 */
export const prepareFirstRun = async ({
  db,
  clock,
  config,
  log = (line: string) => console.log(line),
}: {
  db: Db;
  clock: Clock;
  config: Config;
  /** Where progress of the demo packs goes (they take a while). */
  log?: (line: string) => void;
}): Promise<FirstRun | null> => {
  if ((await countAccounts({ db })) > 0) return null;
  const deps = { db, clock, actor: systemActor('bootstrap') };
  let demo: FirstRun['demo'] = null;
  let units = await listUnits(deps);
  if (units.length === 0 && config.demoData) {
    const password = generatePassword();
    const seeded = await seedDemoOrganisation({ demoPassword: password }, deps);
    const packUsers = await loadFirstStartPacks({ password, log }, deps);
    demo = { usernames: [...seeded.usernames, ...packUsers], password };
    units = await listUnits(deps);
  }
  if (units.length === 0) {
    units = [
      await createUnit(
        { parentId: null, code: 'ROOT', name: '本单位', nameEn: 'Our organisation', kind: 'company' },
        deps,
      ),
    ];
  }
  const password = config.adminPassword ?? generatePassword();
  await createUser(
    {
      username: config.adminUsername,
      displayName: '系统管理员',
      password,
      grants: units.filter((u) => u.parentId === null).map((u) => ({ role: 'admin' as const, unitId: u.id })),
    },
    deps,
  );
  return { admin: { username: config.adminUsername, password, generated: !config.adminPassword }, demo };
};
