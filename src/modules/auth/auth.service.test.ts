import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildUnit, buildUser, grant, testPassword } from '../../../test/helpers/factories.js';
import { manualClock } from '../../platform/clock.js';
import { resetUserPassword, updateUser } from '../org/users.service.js';
import { systemActor } from '../../platform/access.js';
import { createJobRunner } from '../../platform/jobs/jobs.runner.js';
import type { AuthDeps } from './auth.service.js';
import { authHousekeepingSweep } from './auth.sweeps.js';
import {
  authenticateApiToken,
  authenticateSession,
  changePassword,
  createApiToken,
  listApiTokens,
  login,
  logout,
  maxFailuresPerUser,
  revokeApiToken,
} from './auth.service.js';

describeEachDialect('auth service', (ctx) => {
  const setup = async () => {
    const { db } = ctx();
    // The factories stamp the user with the real time; sessions must start after it.
    const clock = manualClock(new Date(Date.now() + 60_000));
    const deps: AuthDeps = {
      db,
      clock,
      secret: 'a-test-secret-that-is-long-enough-1234',
      sessionTtlHours: 8,
    };
    const unit = await buildUnit(db);
    const { user, actor } = await buildUser(db, [grant('manager', unit.id)]);
    return { db, clock, deps, unit, user, actor };
  };

  it('logs in with the right password, and the session resolves to the user with his grants', async () => {
    const { deps, user, unit, db } = await setup();
    const result = await login({ username: user.username, password: testPassword, ip: '10.0.0.1' }, deps);
    expect(result.me.permissions).toEqual([
      'org.read',
      'org.write',
      'audit.read',
      'customers.read',
      'customers.write',
      'customers.contact',
      'cases.read',
      'cases.write',
      'cases.dispatch',
      'cases.callback',
      'indicators.read',
      'indicators.load',
    ]);
    const session = await authenticateSession({ token: result.sessionToken }, deps);
    expect(session?.actor).toMatchObject({
      kind: 'user',
      userId: user.id,
      grants: [{ role: 'manager', unitId: unit.id }],
    });
    expect(session?.csrfToken).toBe(result.csrfToken);
    // Only a keyed hash of the token is stored.
    const stored = await db.selectFrom('sessions').select('id').where('userId', '=', user.id).execute();
    expect(stored.map((s) => s.id)).not.toContain(result.sessionToken);
  });

  it('refuses a wrong password and an unknown user with the same error', async () => {
    const { deps, user } = await setup();
    await expect(
      login({ username: user.username, password: 'wrong password', ip: '10.0.0.2' }, deps),
    ).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
    await expect(
      login({ username: 'nobody-here', password: 'x', ip: '10.0.0.2' }, deps),
    ).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
  });

  it('rate-limits failed logins per username, and lets the user in again after the window', async () => {
    const { deps, user, clock } = await setup();
    for (let i = 0; i < maxFailuresPerUser; i += 1) {
      await expect(
        login({ username: user.username, password: 'bad', ip: `10.1.0.${i}` }, deps),
      ).rejects.toMatchObject({
        code: 'auth.invalid_credentials',
      });
    }
    // Even the right password is refused while locked, from any address.
    const locked = await login(
      { username: user.username, password: testPassword, ip: '10.9.9.9' },
      deps,
    ).catch((e: unknown) => e);
    expect(locked).toMatchObject({ code: 'auth.rate_limited' });
    expect((locked as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBeGreaterThan(
      800,
    );
    clock.advance(16 * 60 * 1000);
    await expect(
      login({ username: user.username, password: testPassword, ip: '10.9.9.9' }, deps),
    ).resolves.toBeTruthy();
  });

  it('expires a session after its idle time, and slides the expiry while it is used', async () => {
    const { deps, user, clock } = await setup();
    const { sessionToken } = await login(
      { username: user.username, password: testPassword, ip: '10.0.0.3' },
      deps,
    );
    clock.advance(7 * 3600_000);
    expect(await authenticateSession({ token: sessionToken }, deps)).not.toBeNull(); // slides to +8h from here
    clock.advance(7 * 3600_000);
    expect(await authenticateSession({ token: sessionToken }, deps)).not.toBeNull();
    clock.advance(8 * 3600_000 + 1000);
    expect(await authenticateSession({ token: sessionToken }, deps)).toBeNull();
  });

  it('ends sessions on logout, deactivation and on a password reset by an admin', async () => {
    const { deps, user, db } = await setup();
    const a = await login({ username: user.username, password: testPassword, ip: '10.0.0.4' }, deps);
    const sa = await authenticateSession({ token: a.sessionToken }, deps);
    await logout({ sessionId: sa!.sessionId }, deps);
    expect(await authenticateSession({ token: a.sessionToken }, deps)).toBeNull();

    const b = await login({ username: user.username, password: testPassword, ip: '10.0.0.4' }, deps);
    (deps.clock as ReturnType<typeof manualClock>).advance(1000);
    await resetUserPassword(
      { userId: user.id, password: 'a brand new password' },
      { db, clock: deps.clock, actor: systemActor() },
    );
    expect(await authenticateSession({ token: b.sessionToken }, deps)).toBeNull();

    const c = await login(
      { username: user.username, password: 'a brand new password', ip: '10.0.0.4' },
      deps,
    );
    await updateUser(
      { userId: user.id, patch: { active: false } },
      { db, clock: deps.clock, actor: systemActor() },
    );
    expect(await authenticateSession({ token: c.sessionToken }, deps)).toBeNull();
    await expect(
      login({ username: user.username, password: 'a brand new password', ip: '10.0.0.4' }, deps),
    ).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
  });

  it('changes the own password: checks the old one, keeps the current session, ends the others', async () => {
    const { deps, user, actor } = await setup();
    const current = await login({ username: user.username, password: testPassword, ip: '10.0.0.5' }, deps);
    const other = await login({ username: user.username, password: testPassword, ip: '10.0.0.6' }, deps);
    const currentSession = await authenticateSession({ token: current.sessionToken }, deps);
    await expect(
      changePassword(
        { currentPassword: 'not it', newPassword: 'another long password', userId: user.id },
        { ...deps, actor },
      ),
    ).rejects.toMatchObject({ code: 'auth.wrong_password' });
    (deps.clock as ReturnType<typeof manualClock>).advance(1000);
    await changePassword(
      {
        currentPassword: testPassword,
        newPassword: 'another long password',
        userId: user.id,
        sessionId: currentSession!.sessionId,
      },
      { ...deps, actor },
    );
    expect(await authenticateSession({ token: current.sessionToken }, deps)).not.toBeNull();
    expect(await authenticateSession({ token: other.sessionToken }, deps)).toBeNull();
    await expect(
      login({ username: user.username, password: 'another long password', ip: '10.0.0.7' }, deps),
    ).resolves.toBeTruthy();
  });

  it('issues API tokens that authenticate until revoked or expired', async () => {
    const { deps, user, actor, clock } = await setup();
    const { token, secret } = await createApiToken(
      { name: 'CLI', userId: user.id, expiresInDays: 1 },
      { ...deps, actor },
    );
    expect(secret.startsWith('gk_')).toBe(true);
    expect(token.tokenPrefix).toBe(secret.slice(0, 8));
    expect((await authenticateApiToken({ token: secret }, deps))?.actor.userId).toBe(user.id);
    expect(await authenticateApiToken({ token: secret + 'x' }, deps)).toBeNull();
    clock.advance(2 * 86_400_000);
    expect(await authenticateApiToken({ token: secret }, deps)).toBeNull();

    const second = await createApiToken({ name: 'integration', userId: user.id }, { ...deps, actor });
    expect((await listApiTokens({ userId: user.id }, deps)).map((t) => t.name)).toContain('integration');
    await revokeApiToken({ tokenId: second.token.id, userId: user.id }, { ...deps, actor });
    expect(await authenticateApiToken({ token: second.secret }, deps)).toBeNull();
    await expect(
      revokeApiToken({ tokenId: second.token.id, userId: user.id }, { ...deps, actor }),
    ).rejects.toMatchObject({
      code: 'auth.token_not_found',
    });
  });

  it('purges expired sessions in the hourly housekeeping sweep', async () => {
    const { deps, user, clock, db } = await setup();
    const old = await login({ username: user.username, password: testPassword, ip: '10.0.0.8' }, deps);
    clock.advance(9 * 3600_000);
    const fresh = await login({ username: user.username, password: testPassword, ip: '10.0.0.8' }, deps);
    const runner = createJobRunner({
      db,
      clock,
      workerId: 'test',
      handlers: {},
      sweeps: [authHousekeepingSweep],
    });
    const counts = await runner.runOnce();
    expect(counts.done).toBe(1);
    const remaining = await db.selectFrom('sessions').select('id').where('userId', '=', user.id).execute();
    expect(remaining).toHaveLength(1);
    expect((await authenticateSession({ token: fresh.sessionToken }, deps))?.sessionId).toBe(
      remaining[0]?.id,
    );
    expect(await authenticateSession({ token: old.sessionToken }, deps)).toBeNull();
  });
});
