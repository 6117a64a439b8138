import type { Generated } from 'kysely';

/** A generated report, kept with the parameters it was made from, to list and download again. */
export type ReportTable = {
  id: Generated<number>;
  templateKey: string;
  /** The month, e.g. 2026-10. */
  period: string;
  unitId: number;
  format: string;
  title: string;
  fileName: string;
  contentType: string;
  size: number;
  content: Buffer;
  createdByUserId: number | null;
  createdAt: string;
};

export type ReportsTables = { reports: ReportTable };
