import type { Generated } from 'kysely';

/** Kysely row types of the tables the imports module owns. */
export type ImportProfileTable = {
  id: Generated<number>;
  name: string;
  target: string;
  /** Field key → header name. */
  mappingJson: string;
  mode: string;
  optionsJson: string;
  createdByUserId: number | null;
  createdAt: string;
  updatedByUserId: number | null;
  updatedAt: string;
};

export type ImportRunTable = {
  id: Generated<number>;
  target: string;
  fileId: string;
  fileName: string;
  mode: string;
  /** running | done | failed */
  status: string;
  rows: number;
  bad: number;
  elapsedMs: number;
  reportJson: string | null;
  errorCode: string | null;
  errorDetailsJson: string | null;
  optionsJson: string;
  mappingJson: string | null;
  profile: string | null;
  createdByUserId: number | null;
  createdAt: string;
  finishedAt: string | null;
};

export type ImportsTables = { importProfiles: ImportProfileTable; importRuns: ImportRunTable };
