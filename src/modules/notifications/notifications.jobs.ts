import type { JobHandler } from '../../platform/jobs/jobs.service.js';

/** Job handlers of the notifications module, by job name. */
export const notificationJobHandlers: Record<string, JobHandler> = {};
