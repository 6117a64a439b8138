import { errorCatalog } from './catalog.js';
import type { ErrorDefinition } from './define-errors.js';
import { statusOfKind } from './define-errors.js';

/** docs/errors.md, generated from the catalog so that the list cannot drift from the code. */
export const renderErrorsDoc = (): string => {
  const rows = Object.entries(errorCatalog as Record<string, ErrorDefinition>).map(
    ([code, d]) => `| \`${code}\` | ${statusOfKind(d.kind)} | ${d.zh} | ${d.en} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error reply is `{ "error": { "code", "message", "details" } }`. The message is in the',
    "language of the request's `Accept-Language` (Simplified Chinese unless English is asked for);",
    '`{name}` in a message is filled from `details`. Validation errors (`request.invalid`) list each',
    'bad field in `details.issues: [{ path, code, message }]`, with `path` like `body.name` or',
    '`querystring.pageSize`. A 500 carries only `details.requestId`, to find the cause in the log.',
    '',
    'Generated from `src/platform/errors/catalog.ts` by `npm run docs:errors`; a test fails when it is stale.',
    '',
    '| code | HTTP | 中文 | English |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
};
