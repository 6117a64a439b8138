import { defineErrors } from '../../platform/errors/define-errors.js';

export const notificationsErrors = defineErrors({});
