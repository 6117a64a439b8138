import { defineSweep } from '../../platform/jobs/jobs.service.js';
import { raiseIndicatorAlerts } from './indicator-alerts.service.js';
import { recomputeIndicators } from './indicator-compute.service.js';

/**
 * Every ten minutes: the computed indicators' current and previous periods are recomputed (only
 * differences are written, so an idle system writes nothing), then the control charts are judged.
 * Both steps are idempotent; a second worker's run finds nothing to write and no alert to send.
 */
export const indicatorsSweep = defineSweep({
  name: 'indicators.recompute',
  everyMs: 10 * 60_000,
  handler: async (_slot, { db, clock }) => {
    const recomputed = await recomputeIndicators({}, { db, clock });
    const alerts = await raiseIndicatorAlerts({}, { db, clock });
    return { ...recomputed, alertsRaised: alerts.raised };
  },
});
