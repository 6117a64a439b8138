// Imports (导入): types of the v1 imports API (src/modules/imports/import-runs* and
// src/import-targets.ts), the calls and the query keys. A file is uploaded once, mapped to a
// target's fields, tried (dry run) and applied; a run reports its progress while the page polls it.

import { API_BASE, api, postRawBody } from './client';

export type ImportOption = { key: string; label: string; required: boolean };
export type ImportTargetInfo = { key: string; name: string; nameEn: string; options: ImportOption[] };

export type UploadedFile = {
  fileId: string;
  name: string;
  size: number;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  headers: string[];
  sample: string[][];
};

export type ImportField = { key: string; label: string; required: boolean };
export type ImportOptions = Record<string, unknown>;

export type MappingGuess = {
  fields: ImportField[];
  /** Field key → header. */
  mapping: Record<string, string>;
  unmatchedHeaders: string[];
};

export type ImportMode = 'dry_run' | 'all_or_nothing' | 'skip_bad';

export type StartImportInput = {
  fileId: string;
  target: string;
  mode: ImportMode;
  mapping: Record<string, string>;
  profile?: string;
  options: ImportOptions;
};

export type ImportProblem = {
  row: number;
  field: string;
  value: string;
  code: string;
  why: string;
  whyZh: string;
};

export type ImportReport = {
  created: number;
  updated: number;
  unchanged: number;
  rows: number;
  bad: number;
  problems: ImportProblem[];
  problemCount: number;
  applied: boolean;
  mode: ImportMode;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  mapping: Record<string, string>;
  unmatchedHeaders: string[];
  elapsedMs: number;
};

export type ImportRun = {
  id: number;
  target: string;
  fileName: string;
  mode: ImportMode;
  status: 'running' | 'done' | 'failed';
  progress: { rows: number; bad: number; elapsedMs: number };
  report: ImportReport | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
};

export type ImportProfile = {
  name: string;
  target: string;
  mapping: Record<string, string | number>;
  mode: ImportMode;
  options: ImportOptions;
  createdAt: string;
  updatedAt: string;
};

export type SaveProfileInput = Pick<ImportProfile, 'target' | 'mapping' | 'mode' | 'options'>;

const seg = (v: string | number) => encodeURIComponent(String(v));

/** Profiles as a bare array or `{ items }` (tolerated: the API may answer either). */
const itemsOf = <T>(data: T[] | { items: T[] } | null | undefined): T[] =>
  Array.isArray(data) ? data : (data?.items ?? []);

export const listImportTargets = async (): Promise<ImportTargetInfo[]> =>
  itemsOf(await api.get<ImportTargetInfo[] | { items: ImportTargetInfo[] }>('/import-targets'));
export const guessMapping = (fileId: string, input: { target: string; options: ImportOptions }) =>
  api.post<MappingGuess>(`/import-files/${seg(fileId)}/mapping`, input);
export const startImport = (input: StartImportInput) => api.post<{ id: number }>('/imports', input);
export const getImportRun = (id: number) => api.get<ImportRun>(`/imports/${id}`);
export const listImportRuns = () => api.get<ImportRun[]>('/imports');
export const importProblemsUrl = (id: number) => `${API_BASE}/imports/${id}/problems.csv`;
export const listImportProfiles = async (): Promise<ImportProfile[]> =>
  itemsOf(await api.get<ImportProfile[] | { items: ImportProfile[] }>('/import-profiles'));
export const saveImportProfile = (name: string, input: SaveProfileInput) =>
  api.put<ImportProfile>(`/import-profiles/${seg(name)}`, input);

/**
 * Uploads a file as the raw request body (the JSON client cannot send one); its name travels in
 * `X-File-Name`, URI-encoded so that Chinese names survive the header.
 */
export const uploadImportFile = (
  file: File,
  session: { csrfToken: string | null; language: string; fallbackMessage: string },
): Promise<UploadedFile> =>
  postRawBody<UploadedFile>('/import-files', file, {
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
    ...session,
  });

export const importKeys = {
  targets: ['import-targets'] as const,
  profiles: ['import-profiles'] as const,
  runs: ['imports'] as const,
  run: (id: number) => ['imports', id] as const,
};
