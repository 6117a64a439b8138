import { defineSweep } from '../../platform/jobs/jobs.service.js';
import { purgeExpiredAuthState } from './auth.service.js';

/** Hourly: drops expired sessions and login attempts older than a day. */
export const authHousekeepingSweep = defineSweep({
  name: 'auth.housekeeping',
  everyMs: 60 * 60_000,
  handler: async (_slot, { db, clock }) => {
    await purgeExpiredAuthState({ db, clock });
    return null;
  },
});
