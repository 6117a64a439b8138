import { defineErrors } from '../../platform/errors/define-errors.js';

export const reportsErrors = defineErrors({});
