import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { listTemplateKeys } from '../modules/reports/report-templates.js';
import type { ReportFormat } from '../modules/reports/reports.service.js';
import { renderMarkdown } from '../modules/reports/render/markdown-render.js';
import { createReport, readReport, reportFormats } from '../modules/reports/reports.service.js';
import { getUnitByCode } from '../modules/org/units.service.js';
import { systemActor } from '../platform/access.js';
import { systemClock } from '../platform/clock.js';
import { withDatabase } from './cli-support.js';

/** `guankong report <template> --period 2026-10 --unit <code> --format docx --out file`. */
export const reportCommand = () =>
  new Command('report')
    .description('Generate an analysis report from the data of a month; it is also stored to download again')
    .argument('<template>', `the report template (${listTemplateKeys().join(', ')})`)
    .requiredOption('--period <month>', 'the month, e.g. 2026-10')
    .requiredOption('--unit <code>', 'the unit whose subtree the report covers')
    .addOption(new Option('--format <format>', 'the file format').choices([...reportFormats]).default('docx'))
    .option('--out <file>', 'where to write the file (default: its title and format, in the current folder)')
    .action(
      async (
        template: string,
        options: { period: string; unit: string; format: ReportFormat; out?: string },
      ) => {
        const started = performance.now();
        const { report, document, file } = await withDatabase(
          async (db) => {
            const deps = { db, clock: systemClock, actor: systemActor('cli') };
            const unit = await getUnitByCode({ code: options.unit }, deps);
            const { report, document } = await createReport(
              { template, period: options.period, unitId: unit.id, format: options.format },
              deps,
            );
            return { report, document, file: await readReport({ reportId: report.id }, deps) };
          },
          { migrate: true },
        );
        const out = options.out ?? file.fileName;
        writeFileSync(out, file.content);
        // A Markdown report links its charts as SVG files in charts/ beside it.
        if (options.format === 'md') {
          const charts = path.join(path.dirname(out), 'charts');
          const { assets } = renderMarkdown({ document });
          if (assets.length > 0) mkdirSync(charts, { recursive: true });
          for (const asset of assets) writeFileSync(path.join(charts, asset.fileName), asset.svg);
        }
        console.log(
          `已生成 / generated: ${report.title} → ${out} (${(report.size / 1024).toFixed(0)} KB, ` +
            `${((performance.now() - started) / 1000).toFixed(1)} s; report #${report.id})`,
        );
      },
    );
