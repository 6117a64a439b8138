import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { AppError } from '../../platform/errors/app-error.js';
import { localeOf } from '../../platform/http/locale.js';
import { importProfilesRoutes } from './import-profiles.routes.js';
import {
  failInterruptedRuns,
  getImportRun,
  guessImportFileMapping,
  importFileLimitBytes,
  importRunProblemsCsv,
  listImportRuns,
  listImportTargets,
  saveImportFile,
  startImportRun,
} from './import-runs.service.js';
import type { ImportTargetRegistry } from './import-target.js';
import {
  ZImportFile,
  ZImportRun,
  ZImportTargetInfo,
  ZMappingGuess,
  ZMappingRequest,
  ZStartImportInput,
} from './imports.schema.js';

const ZRunParams = z.object({ id: z.coerce.number().int().positive() });

const fileNameOf = (header: string | string[] | undefined): string => {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  try {
    return decodeURIComponent(raw).slice(0, 200) || 'upload';
  } catch {
    return raw.slice(0, 200) || 'upload';
  }
};

/**
 * Imports over the API: the targets, file upload, mapping guess, background runs, their reports and
 * problems as CSV (/api/v1/import-targets, /import-files, /imports), and the import profiles.
 * Runs left `running` by a stopped server are marked failed when the server gets ready (after the
 * migrations: on a fresh database the table does not exist yet when the routes are registered).
 */
export const importRunsRoutes =
  (ctx: AppContext, targets: ImportTargetRegistry) => async (root: FastifyInstance) => {
    root.addHook('onReady', async () => {
      await failInterruptedRuns(ctx);
    });
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = { tags: ['imports'] };
    const depsFor = (req: Parameters<typeof depsOf>[1]) => ({
      ...depsOf(ctx, req),
      targets,
      dataDir: ctx.config.dataDir,
    });
    await app.register(importProfilesRoutes(ctx, targets));

    app.get(
      '/api/v1/import-targets',
      {
        schema: {
          ...tags,
          summary: 'What can be imported, and the options each target needs',
          response: { 200: z.array(ZImportTargetInfo) },
        },
      },
      async (req) => listImportTargets({ targets, actor: depsOf(ctx, req).actor }),
    );
    // The file as the raw body, streamed to disk: in its own scope, so that this parser (which hands
    // over the request stream unread) touches no other route.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/v1/import-files',
        {
          schema: {
            ...tags,
            summary:
              'Upload a CSV or XLSX file as the raw body (application/octet-stream; X-File-Name: its URI-encoded name; ≤ 200 MB)',
            response: { 201: ZImportFile },
          },
        },
        async (req, reply) => {
          const length = Number(req.headers['content-length'] ?? 0);
          if (length > importFileLimitBytes) {
            (req.body as Readable).resume();
            throw new AppError('imports.file_too_large', {
              limitBytes: importFileLimitBytes,
              limitMb: importFileLimitBytes / 1024 / 1024,
            });
          }
          const file = await saveImportFile(
            { name: fileNameOf(req.headers['x-file-name']), body: req.body as Readable },
            depsFor(req),
          );
          return reply.status(201).send(file);
        },
      );
    });
    app.post(
      '/api/v1/import-files/:fileId/mapping',
      {
        schema: {
          ...tags,
          summary: "A target's fields and the mapping guessed from the file's headers",
          params: z.object({ fileId: z.string().max(64) }),
          body: ZMappingRequest,
          response: { 200: ZMappingGuess },
        },
      },
      async (req) => guessImportFileMapping({ fileId: req.params.fileId, ...req.body }, depsFor(req)),
    );
    app.post(
      '/api/v1/imports',
      {
        schema: {
          ...tags,
          summary: 'Start an import of an uploaded file in the background (one at a time per server process)',
          body: ZStartImportInput,
          response: { 202: z.object({ id: z.number().int() }) },
        },
      },
      async (req, reply) => reply.status(202).send(await startImportRun(req.body, depsFor(req))),
    );
    app.get(
      '/api/v1/imports',
      {
        schema: {
          ...tags,
          summary: 'The latest import runs the caller sees',
          response: { 200: z.array(ZImportRun) },
        },
      },
      async (req) => listImportRuns(depsFor(req), localeOf(req)),
    );
    app.get(
      '/api/v1/imports/:id',
      { schema: { ...tags, params: ZRunParams, response: { 200: ZImportRun } } },
      async (req) => getImportRun({ id: req.params.id }, depsFor(req), localeOf(req)),
    );
    app.get(
      '/api/v1/imports/:id/problems.csv',
      {
        schema: {
          ...tags,
          summary: "The run's problems as CSV for Excel (UTF-8 with BOM)",
          params: ZRunParams,
        },
      },
      async (req, reply) => {
        const { csv, fileName } = await importRunProblemsCsv({ id: req.params.id }, depsFor(req));
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
          .send(csv);
      },
    );
  };
