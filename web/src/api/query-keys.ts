// One place for TanStack Query keys, so invalidation after a change hits every view that shows it.
import type { AuditQuery } from './audit';
import type { CustomersQuery } from './customers';
import type { PeopleQuery } from './org';
import type { UsersQuery } from './users';

export const queryKeys = {
  session: ['session'] as const,
  units: ['units'] as const,
  unitAudit: (id: number) => ['units', id, 'audit'] as const,
  people: ['people'] as const,
  peopleList: (q: PeopleQuery) => ['people', 'list', q] as const,
  person: (id: number) => ['people', id] as const,
  personAudit: (id: number) => ['people', id, 'audit'] as const,
  users: ['users'] as const,
  usersList: (q: UsersQuery) => ['users', 'list', q] as const,
  calendars: ['calendars'] as const,
  calendarYear: (id: number, year: number) => ['calendars', id, year] as const,
  customers: ['customers'] as const,
  customersList: (q: CustomersQuery) => ['customers', 'list', q] as const,
  customerAudit: (id: number) => ['customers', id, 'audit'] as const,
  audit: ['audit-events'] as const,
  auditList: (q: AuditQuery) => ['audit-events', q] as const,
};
