import { Command, Option } from 'commander';
import { generatePassword } from '../bootstrap.js';
import { getUnitByCode } from '../modules/org/units.service.js';
import { createUser, getUserByUsername, resetUserPassword } from '../modules/org/users.service.js';
import { roles, systemActor } from '../platform/access.js';
import type { Role } from '../platform/access.js';
import { systemClock } from '../platform/clock.js';
import { readSecretFromStdin, withDatabase } from './cli-support.js';

const passwordFrom = async (options: { passwordStdin?: boolean }) =>
  options.passwordStdin ? await readSecretFromStdin() : undefined;

export const userCommand = () => {
  const user = new Command('user').description('Manage user accounts');

  user
    .command('create')
    .description('Create a user account; prints a generated password unless --password-stdin is given')
    .argument('<username>', 'login name')
    .requiredOption('-n, --name <displayName>', 'display name')
    .addOption(new Option('-r, --role <role>', 'role to grant').choices([...roles]))
    .option('-u, --unit <code>', 'unit code the role applies to (with its subtree)')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        username: string,
        options: { name: string; role?: Role; unit?: string; passwordStdin?: boolean },
      ) => {
        if (Boolean(options.role) !== Boolean(options.unit)) throw new Error('--role and --unit go together');
        const given = await passwordFrom(options);
        const password = given ?? generatePassword();
        await withDatabase(
          async (db) => {
            const deps = { db, clock: systemClock, actor: systemActor('cli') };
            const grants =
              options.role && options.unit
                ? [{ role: options.role, unitId: (await getUnitByCode({ code: options.unit }, deps)).id }]
                : [];
            const created = await createUser({ username, displayName: options.name, password, grants }, deps);
            console.log(`已创建用户 / created user ${created.username} (id ${created.id})`);
            if (!given) console.log(`密码 / password: ${password}`);
          },
          { migrate: true },
        );
      },
    );

  user
    .command('reset-password')
    .description(
      "Set a new password for a user (ends the user's sessions); prints a generated one unless --password-stdin is given",
    )
    .argument('<username>', 'login name')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, options: { passwordStdin?: boolean }) => {
      const given = await passwordFrom(options);
      const password = given ?? generatePassword();
      await withDatabase(
        async (db) => {
          const deps = { db, clock: systemClock, actor: systemActor('cli') };
          const found = await getUserByUsername({ username }, deps);
          await resetUserPassword({ userId: found.id, password }, deps);
          console.log(`已重置密码 / password reset for ${username}`);
          if (!given) console.log(`新密码 / new password: ${password}`);
        },
        { migrate: true },
      );
    });
  return user;
};
