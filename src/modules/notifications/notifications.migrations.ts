import type { Migration } from 'kysely';

export const notificationsMigrations: Record<string, Migration> = {};
