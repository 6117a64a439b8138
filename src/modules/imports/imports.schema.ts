import { z } from 'zod';
import type { ImportMode } from './import-runner.js';
import { importModes } from './import-runner.js';

/** A mode as the API and the CLI take it: `dry_run` or `dry-run` (and so on). */
export const ZImportModeInput = z
  .enum([...importModes, 'dry-run', 'all-or-nothing', 'skip-bad'])
  .transform((mode) => mode.replaceAll('-', '_') as ImportMode);
export const ZImportMode = z.enum(importModes);

export const ZProfileName = z.string().trim().min(1).max(100);
/** Field key → header name (or column index). */
export const ZMapping = z.record(
  z.string().min(1).max(100),
  z.union([z.string().max(200), z.number().int().min(0)]),
);
export const ZOptions = z.record(z.string(), z.unknown());

export const ZImportProfile = z
  .object({
    name: z.string(),
    target: z.string(),
    mapping: z.record(z.string(), z.union([z.string(), z.number()])),
    mode: ZImportMode,
    options: ZOptions,
    createdByUserId: z.number().int().nullable(),
    createdAt: z.string(),
    updatedByUserId: z.number().int().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ImportProfile' });
export type ImportProfile = z.infer<typeof ZImportProfile>;

export const ZPutImportProfileInput = z
  .object({
    target: z.string().min(1).max(64),
    mapping: ZMapping.default({}),
    mode: ZImportModeInput.default('all_or_nothing'),
    options: ZOptions.default({}),
  })
  .strict();
export type PutImportProfileInput = z.input<typeof ZPutImportProfileInput>;

export const ZImportTargetInfo = z
  .object({
    key: z.string(),
    name: z.string(),
    nameEn: z.string(),
    options: z.array(z.object({ key: z.string(), label: z.string(), required: z.boolean() })),
  })
  .meta({ id: 'ImportTarget' });

export const ZImportFile = z
  .object({
    fileId: z.string(),
    name: z.string(),
    size: z.number().int(),
    format: z.enum(['csv', 'xlsx']),
    encoding: z.string().nullable(),
    headers: z.array(z.string()),
    sample: z.array(z.array(z.string())),
  })
  .meta({ id: 'ImportFile' });
export type ImportFile = z.infer<typeof ZImportFile>;

export const ZMappingRequest = z.object({ target: z.string().min(1).max(64), options: ZOptions.default({}) });
export const ZMappingGuess = z.object({
  fields: z.array(z.object({ key: z.string(), label: z.string(), required: z.boolean() })),
  mapping: z.record(z.string(), z.string()),
  unmatchedHeaders: z.array(z.string()),
});

export const ZStartImportInput = z
  .object({
    fileId: z.string().regex(/^[0-9a-f]{32}$/),
    target: z.string().min(1).max(64),
    mode: ZImportModeInput,
    mapping: ZMapping.optional(),
    profile: ZProfileName.optional(),
    options: ZOptions.default({}),
  })
  .strict();
export type StartImportInput = z.input<typeof ZStartImportInput>;

const ZProblem = z.object({
  row: z.number(),
  field: z.string(),
  value: z.string(),
  code: z.string(),
  why: z.string(),
  whyZh: z.string(),
});

export const ZImportReport = z
  .object({
    mode: ZImportMode,
    applied: z.boolean(),
    format: z.enum(['csv', 'xlsx']),
    encoding: z.string().nullable(),
    mapping: z.record(z.string(), z.string()),
    unmatchedHeaders: z.array(z.string()),
    rows: z.number(),
    bad: z.number(),
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    problems: z.array(ZProblem),
    problemCount: z.number(),
    elapsedMs: z.number(),
  })
  .loose()
  .meta({ id: 'ImportReport' });

export const importRunStatuses = ['running', 'done', 'failed'] as const;

export const ZImportRun = z
  .object({
    id: z.number().int(),
    target: z.string(),
    fileName: z.string(),
    mode: ZImportMode,
    status: z.enum(importRunStatuses),
    progress: z.object({ rows: z.number(), bad: z.number(), elapsedMs: z.number() }),
    report: ZImportReport.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ImportRun' });
export type ImportRun = z.infer<typeof ZImportRun>;
