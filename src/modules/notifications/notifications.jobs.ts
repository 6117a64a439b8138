import type { JobHandler } from '../../platform/jobs/jobs.service.js';
import type { DeliveryOptions } from './webhook-delivery.js';
import { deliverJobName, deliveryJobHandler } from './webhook-delivery.js';

/**
 * The notifications module's job handlers with explicit options: `publicUrl` makes inbox links
 * absolute in webhook messages, `timeoutMs` bounds each request (default 10 s).
 */
export const createNotificationJobHandlers = (options: DeliveryOptions = {}): Record<string, JobHandler> => ({
  [deliverJobName]: deliveryJobHandler(options),
});

/** Job handlers of the notifications module, by job name (links sent as given: no public URL configured). */
export const notificationJobHandlers: Record<string, JobHandler> = createNotificationJobHandlers();
