import type { Generated } from 'kysely';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export type JobTable = {
  id: Generated<number>;
  name: string;
  /** Idempotency key, unique: enqueueing the same key twice keeps one job. */
  key: string;
  payloadJson: string;
  status: JobStatus;
  runAt: string;
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  resultJson: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

export type JobsTables = { jobs: JobTable };
