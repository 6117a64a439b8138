import { z } from 'zod';
import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { isUnitInScope, unitNames } from '../org/units.service.js';
import { campaignReportContext } from './campaign-report-context.js';
import { casesReportContext } from './cases-report-context.js';
import { indicatorDataKey } from './indicator-blocks.js';
import { indicatorBlockData } from './indicator-report-context.js';
import { renderDocx } from './render/docx-render.js';
import { renderHtml } from './render/html-render.js';
import { renderMarkdown } from './render/markdown-render.js';
import type { ReportDocument } from './render/report-document.js';
import { renderXlsx } from './render/xlsx-render.js';
import { monthPeriod } from './report-period.js';
import { readTemplate } from './report-templates.js';
import { fillTemplate } from './template-engine.js';

/*
 * Generating an analysis report: the template's figures for a month and a unit subtree, filled
 * into its sentences, tables and charts, rendered in one format, stored with its parameters (so
 * it can be listed and downloaded again) and audited. The figures come from the services that
 * own them; a report never holds a number typed by hand.
 */

export const reportFormats = ['docx', 'html', 'md', 'xlsx'] as const;

/** The sources whose figures this service can read (the template's `source`). */
const reportSources: readonly string[] = ['campaigns', 'cases'];
export type ReportFormat = (typeof reportFormats)[number];

const contentTypes: Record<ReportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const ZGenerateReportInput = z.object({
  template: z.string().trim().min(1).max(64),
  /** The month, e.g. 2026-10. */
  period: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}$/, 'a month such as 2026-10'),
  unitId: z.number().int().positive(),
  format: z.enum(reportFormats).default('docx'),
});
export type GenerateReportInput = z.input<typeof ZGenerateReportInput>;

export const ZReportSummary = z
  .object({
    id: z.number().int(),
    template: z.string(),
    period: z.string(),
    unit: z.object({ id: z.number().int(), name: z.string() }),
    format: z.enum(reportFormats),
    title: z.string(),
    fileName: z.string(),
    size: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'ReportSummary' });
export type ReportSummary = z.infer<typeof ZReportSummary>;

/** The document of a template for a month and unit, with the figures read now. */
export const buildReportDocument = async (
  { template: key, period: month, unitId }: { template: string; period: string; unitId: number },
  { db, clock, actor }: Deps,
): Promise<ReportDocument> => {
  const template = readTemplate(key);
  const period = monthPeriod(month);
  const unitName = (await unitNames({ db })).get(unitId) ?? '';
  const figures =
    template.source === 'cases'
      ? await casesReportContext({ unitId, period }, { db, clock, actor })
      : await campaignReportContext({ unitId, period }, { db, actor });
  const indicators = await indicatorBlockData({ template, unitId, unitName, period }, { db, clock, actor });
  return fillTemplate({
    template,
    context: { ...figures, unit: { name: unitName }, period, [indicatorDataKey]: indicators },
    generatedAt: clock.now().toISOString(),
    unitName,
    periodLabel: period.label,
  });
};

export type RenderedReport = { content: Buffer; contentType: string; extension: ReportFormat };

export const renderReport = async (
  document: ReportDocument,
  format: ReportFormat,
): Promise<RenderedReport> => {
  const content =
    format === 'docx'
      ? (await renderDocx({ document })).buffer
      : format === 'xlsx'
        ? await renderXlsx({ document })
        : Buffer.from(
            format === 'html' ? renderHtml({ document }) : renderMarkdown({ document }).markdown,
            'utf8',
          );
  return { content, contentType: contentTypes[format], extension: format };
};

/**
 * Generates, stores and audits a report. Needs cases.read on the unit (the figures are of its
 * subtree, counted within the caller's scope).
 */
export const generateReport = async (rawInput: GenerateReportInput, deps: Deps): Promise<ReportSummary> =>
  (await createReport(rawInput, deps)).report;

/** `generateReport`, answering the document too (the CLI writes a Markdown report's charts beside it). */
export const createReport = async (
  rawInput: GenerateReportInput,
  deps: Deps,
): Promise<{ report: ReportSummary; document: ReportDocument }> => {
  const { db, clock, actor } = deps;
  const roots = requirePermission(actor, 'cases.read');
  const input = ZGenerateReportInput.parse(rawInput);
  if (!(await isUnitInScope({ unitId: input.unitId, roots }, { db })))
    throw new AppError('org.unit_not_found', { unitId: input.unitId, field: 'unitId' });
  const template = readTemplate(input.template);
  if (!reportSources.includes(template.source))
    throw new AppError('reports.source_unsupported', { key: template.key, source: template.source });
  const document = await buildReportDocument(input, deps);
  const rendered = await renderReport(document, input.format);
  const fileName = `${document.title}.${rendered.extension}`;
  const now = clock.now().toISOString();
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('reports')
      .values({
        templateKey: template.key,
        period: input.period,
        unitId: input.unitId,
        format: input.format,
        title: document.title,
        fileName,
        contentType: rendered.contentType,
        size: rendered.content.length,
        content: rendered.content,
        createdByUserId: actor.userId,
        createdAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      {
        action: 'report.generate',
        entity: 'report',
        entityId: id,
        unitId: input.unitId,
        after: {
          template: template.key,
          period: input.period,
          format: input.format,
          size: rendered.content.length,
        },
      },
      { actor, clock },
    );
    const report: ReportSummary = {
      id,
      template: template.key,
      period: input.period,
      unit: { id: input.unitId, name: document.unitName ?? '' },
      format: input.format,
      title: document.title,
      fileName,
      size: rendered.content.length,
      createdAt: now,
    };
    return { report, document };
  });
};

/** Reports of units in the caller's scope, newest first. */
export const listReports = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>): Promise<ReportSummary[]> => {
  const roots = requirePermission(actor, 'cases.read');
  const names = await unitNames({ db });
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'templateKey', 'period', 'unitId', 'format', 'title', 'fileName', 'size', 'createdAt'])
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  const out: ReportSummary[] = [];
  for (const r of rows)
    if (await isUnitInScope({ unitId: r.unitId, roots }, { db }))
      out.push({
        id: r.id,
        template: r.templateKey,
        period: r.period,
        unit: { id: r.unitId, name: names.get(r.unitId) ?? `#${r.unitId}` },
        format: r.format as ReportFormat,
        title: r.title,
        fileName: r.fileName,
        size: r.size,
        createdAt: r.createdAt,
      });
  return out;
};

/** A stored report's file, when its unit is in the caller's scope. */
export const readReport = async (
  { reportId }: { reportId: number },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
) => {
  const roots = requirePermission(actor, 'cases.read');
  const row = await db.selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirst();
  if (!row || !(await isUnitInScope({ unitId: row.unitId, roots }, { db })))
    throw new AppError('reports.not_found', { reportId });
  return { fileName: row.fileName, contentType: row.contentType, content: Buffer.from(row.content) };
};
