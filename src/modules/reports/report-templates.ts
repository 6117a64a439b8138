import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../platform/errors/app-error.js';
import { packageRoot } from '../../platform/package-info.js';
import type { ReportTemplate } from './report-template.schema.js';
import { ZReportTemplate } from './report-template.schema.js';

/*
 * Report templates: `templates/<key>.json` at the package root, read at run time (like packs),
 * validated by ZReportTemplate. A changed template needs no build.
 */

export const templatesFolder = path.join(packageRoot, 'templates');

/** The keys of the templates present, sorted. */
export const listTemplateKeys = (folder = templatesFolder): string[] =>
  existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -'.json'.length))
        .sort()
    : [];

/** A template by key; `reports.unknown_template` naming the ones there are, `reports.template_invalid` naming the JSON path. */
export const readTemplate = (key: string, folder = templatesFolder): ReportTemplate => {
  if (!listTemplateKeys(folder).includes(key))
    throw new AppError('reports.unknown_template', { key, known: listTemplateKeys(folder).join(', ') });
  const result = ZReportTemplate.safeParse(
    JSON.parse(readFileSync(path.join(folder, `${key}.json`), 'utf8')),
  );
  if (!result.success)
    throw new AppError('reports.template_invalid', {
      key,
      problem: result.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    });
  return result.data;
};
