import { createHash } from 'node:crypto';
import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import * as casesRepo from './cases.repo.js';
import { visibilityOf } from './case-access.js';

/*
 * Attachments are stored in the database (one file to back up, one transaction with the event).
 * The declared type must be on the list, and the first bytes must agree with it: a renamed
 * executable is not a photo.
 */

export const attachmentLimitBytes = 10 * 1024 * 1024;

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);
const zip = [0x50, 0x4b, 0x03, 0x04];
const isText = (buf: Buffer) => !buf.subarray(0, 4096).includes(0);

/** Accepted content types, each with a check of the content's signature. */
const acceptedTypes: Record<string, (buf: Buffer) => boolean> = {
  'image/jpeg': (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  'image/png': (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]),
  'image/gif': (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]),
  'image/webp': (b) =>
    startsWith(b, [0x52, 0x49, 0x46, 0x46]) && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46]),
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': (b) => startsWith(b, zip),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': (b) => startsWith(b, zip),
  'text/plain': isText,
  'text/csv': isText,
};
export const acceptedContentTypes = Object.keys(acceptedTypes);

const toAttachment = (
  row: {
    id: number;
    fileName: string;
    contentType: string;
    size: number;
    sha256: string;
    uploadedByUserId: number | null;
    createdAt: string;
  },
  names: Map<number, string>,
) => ({
  id: row.id,
  fileName: row.fileName,
  contentType: row.contentType,
  size: row.size,
  sha256: row.sha256,
  uploadedBy:
    row.uploadedByUserId === null
      ? null
      : { id: row.uploadedByUserId, name: names.get(row.uploadedByUserId) ?? `#${row.uploadedByUserId}` },
  createdAt: row.createdAt,
});

const requireVisibleCase = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>, caseId: number) => {
  requirePermission(actor, 'cases.read');
  const row = await casesRepo.findCase(db, caseId, visibilityOf(actor));
  if (!row) throw new AppError('cases.not_found', { caseId });
  return row;
};

export const addAttachment = async (
  {
    caseId,
    fileName,
    contentType,
    content,
  }: { caseId: number; fileName: string; contentType: string; content: Buffer },
  { db, clock, actor }: Deps,
) => {
  requirePermission(actor, 'cases.write');
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (content.length > attachmentLimitBytes)
    throw new AppError('cases.attachment_too_large', {
      limitMb: attachmentLimitBytes / 1024 / 1024,
      field: 'body',
      size: content.length,
    });
  const check = acceptedTypes[type];
  if (!check || content.length === 0 || !check(content))
    throw new AppError('cases.attachment_type_refused', {
      contentType: type,
      field: 'content-type',
      accepted: acceptedContentTypes,
    });
  const name = fileName.trim().replace(/[\\/]/g, '_').slice(0, 200);
  if (!name)
    throw new AppError('request.invalid', {
      issues: [{ path: 'querystring.fileName', code: 'custom', message: 'required' }],
    });
  return db.transaction().execute(async (tx) => {
    const row = await requireVisibleCase({ db: tx, actor }, caseId);
    const now = clock.now().toISOString();
    const sha256 = createHash('sha256').update(content).digest('hex');
    const { id } = await tx
      .insertInto('caseAttachments')
      .values({
        caseId,
        fileName: name,
        contentType: type,
        size: content.length,
        sha256,
        content,
        uploadedByUserId: actor.userId,
        createdAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await casesRepo.insertEvent(tx, {
      caseId,
      kind: 'attachment_added',
      at: now,
      actorUserId: actor.userId,
      actorName: actor.name,
      fromStatus: null,
      toStatus: null,
      payloadJson: JSON.stringify({ attachmentId: id, fileName: name, size: content.length }),
    });
    await recordAudit(
      tx,
      {
        action: 'case.attach',
        entity: 'case',
        entityId: caseId,
        unitId: row.unitId,
        after: { attachmentId: id, fileName: name, sha256 },
      },
      { actor, clock },
    );
    return toAttachment(
      {
        id,
        fileName: name,
        contentType: type,
        size: content.length,
        sha256,
        uploadedByUserId: actor.userId,
        createdAt: now,
      },
      new Map([[actor.userId ?? 0, actor.name]]),
    );
  });
};

export const listAttachments = async ({ caseId }: { caseId: number }, deps: Pick<Deps, 'db' | 'actor'>) => {
  await requireVisibleCase(deps, caseId);
  const rows = await deps.db
    .selectFrom('caseAttachments')
    .leftJoin('users', 'users.id', 'caseAttachments.uploadedByUserId')
    .select([
      'caseAttachments.id',
      'fileName',
      'contentType',
      'size',
      'sha256',
      'uploadedByUserId',
      'caseAttachments.createdAt',
      'users.displayName',
    ])
    .where('caseId', '=', caseId)
    .orderBy('caseAttachments.id')
    .execute();
  const names = new Map(
    rows.flatMap((r) =>
      r.uploadedByUserId && r.displayName ? [[r.uploadedByUserId, r.displayName] as const] : [],
    ),
  );
  return { items: rows.map((r) => toAttachment(r, names)) };
};

export const readAttachment = async (
  { caseId, attachmentId }: { caseId: number; attachmentId: number },
  deps: Pick<Deps, 'db' | 'actor'>,
) => {
  await requireVisibleCase(deps, caseId);
  const row = await deps.db
    .selectFrom('caseAttachments')
    .select(['fileName', 'contentType', 'content', 'size'])
    .where('caseId', '=', caseId)
    .where('id', '=', attachmentId)
    .executeTakeFirst();
  if (!row) throw new AppError('cases.attachment_not_found', { attachmentId });
  return row;
};
