import { api } from './client';
import type { AuditEvent, Page } from './types';

export type AuditQuery = { entity?: string; entityId?: string; page?: number; pageSize?: number };

export const listAuditEvents = (query: AuditQuery): Promise<Page<AuditEvent>> =>
  api.get<Page<AuditEvent>>('/audit-events', query);
