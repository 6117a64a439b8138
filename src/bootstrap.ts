import { randomBytes } from 'node:crypto';
import { seedDemoOrganisation } from './modules/org/org.demo.js';
import { createUnit, listUnits } from './modules/org/units.service.js';
import { countAccounts, createUser } from './modules/org/users.service.js';
import { systemActor } from './platform/access.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config/config.js';
import type { Db } from './platform/db/database.js';

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
 * On an empty database: loads the demo organisation (when configured), makes sure there is
 * a top-level unit, and creates the first administrator with a grant on it. Returns the
 * credentials to print once, or null when the database already had users.
 */
export const prepareFirstRun = async ({
  db,
  clock,
  config,
}: {
  db: Db;
  clock: Clock;
  config: Config;
}): Promise<FirstRun | null> => {
  if ((await countAccounts({ db })) > 0) return null;
  const deps = { db, clock, actor: systemActor('bootstrap') };
  let demo: FirstRun['demo'] = null;
  let units = await listUnits(deps);
  if (units.length === 0 && config.demoData) {
    const password = generatePassword();
    const seeded = await seedDemoOrganisation({ demoPassword: password }, deps);
    demo = { usernames: seeded.usernames, password };
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
