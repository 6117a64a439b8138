import { api } from './client';
import type {
  AuditEvent,
  CreatePersonInput,
  CreateUnitInput,
  ItemList,
  Page,
  Person,
  Unit,
  UpdatePersonInput,
  UpdateUnitInput,
} from './types';

export const listUnits = (): Promise<ItemList<Unit>> => api.get<ItemList<Unit>>('/units');
export const getUnit = (id: number): Promise<Unit> => api.get<Unit>(`/units/${id}`);
export const createUnit = (input: CreateUnitInput): Promise<Unit> => api.post<Unit>('/units', input);
export const updateUnit = (id: number, input: UpdateUnitInput): Promise<Unit> =>
  api.patch<Unit>(`/units/${id}`, input);
export const deleteUnit = (id: number): Promise<void> => api.delete(`/units/${id}`);
export const listUnitAudit = (id: number): Promise<ItemList<AuditEvent>> =>
  api.get<ItemList<AuditEvent>>(`/units/${id}/audit`);

export type PeopleQuery = {
  unitId?: number;
  subtree?: boolean;
  q?: string;
  page?: number;
  pageSize?: number;
};

export const listPeople = (query: PeopleQuery): Promise<Page<Person>> =>
  api.get<Page<Person>>('/people', {
    unitId: query.unitId,
    subtree: query.subtree === undefined ? undefined : String(query.subtree),
    q: query.q,
    page: query.page,
    pageSize: query.pageSize,
  });
export const getPerson = (id: number): Promise<Person> => api.get<Person>(`/people/${id}`);
export const createPerson = (input: CreatePersonInput): Promise<Person> => api.post<Person>('/people', input);
export const updatePerson = (id: number, input: UpdatePersonInput): Promise<Person> =>
  api.patch<Person>(`/people/${id}`, input);
export const deletePerson = (id: number): Promise<void> => api.delete(`/people/${id}`);
export const listPersonAudit = (id: number): Promise<ItemList<AuditEvent>> =>
  api.get<ItemList<AuditEvent>>(`/people/${id}/audit`);
