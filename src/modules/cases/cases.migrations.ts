import type { Migration } from 'kysely';

export const casesMigrations: Record<string, Migration> = {};
