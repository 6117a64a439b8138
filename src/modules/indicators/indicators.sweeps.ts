import { defineSweep } from '../../platform/jobs/jobs.service.js';
import { raiseIndicatorAlerts } from './indicator-alerts.service.js';
import { recomputeIndicators } from './indicator-compute.service.js';

/**
 * Every two minutes: the computed indicators' current and previous periods are recomputed. Only
 * differences are written, so an idle system writes nothing, and a resolved case shows on the
 * dashboard within minutes (0.4 s a run for 2,000 units × 6 computed indicators, docs/benchmarks.md).
 */
export const indicatorsRecomputeSweep = defineSweep({
  name: 'indicators.recompute',
  everyMs: 2 * 60_000,
  handler: async (_slot, { db, clock }) => recomputeIndicators({}, { db, clock }),
});

/**
 * Hourly: the control charts are judged. They look at complete periods only, so an hour's delay
 * costs nothing; each alert is sent once however often this runs, by however many workers.
 */
export const indicatorsAlertSweep = defineSweep({
  name: 'indicators.alerts',
  everyMs: 60 * 60_000,
  handler: async (_slot, { db, clock }) => raiseIndicatorAlerts({}, { db, clock }),
});
