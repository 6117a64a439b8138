import { api } from './client';
import type {
  AuditEvent,
  CreateCustomerInput,
  Customer,
  CustomerContact,
  CustomerTag,
  Page,
  UpdateCustomerInput,
} from './types';

export type CustomersQuery = {
  unitId?: number;
  subtree?: boolean;
  q?: string;
  tag?: CustomerTag;
  page?: number;
  pageSize?: number;
};

export const listCustomers = (query: CustomersQuery): Promise<Page<Customer>> =>
  api.get<Page<Customer>>('/customers', {
    unitId: query.unitId,
    subtree: query.subtree === undefined ? undefined : String(query.subtree),
    q: query.q,
    tag: query.tag,
    page: query.page,
    pageSize: query.pageSize,
  });
export const getCustomer = (id: number): Promise<Customer> => api.get<Customer>(`/customers/${id}`);
export const createCustomer = (input: CreateCustomerInput): Promise<Customer> =>
  api.post<Customer>('/customers', input);
export const updateCustomer = (id: number, input: UpdateCustomerInput): Promise<Customer> =>
  api.patch<Customer>(`/customers/${id}`, input);
export const deleteCustomer = (id: number): Promise<void> => api.delete(`/customers/${id}`);
/** The full numbers; the server records the viewing in the audit log. */
export const revealCustomerContact = (id: number): Promise<CustomerContact> =>
  api.post<CustomerContact>(`/customers/${id}/reveal-contact`);
/** The audit trail of one customer (creation, edits, deletion, number viewings). */
export const listCustomerAudit = (id: number): Promise<Page<AuditEvent>> =>
  api.get<Page<AuditEvent>>('/audit-events', { entity: 'customer', entityId: String(id), pageSize: 200 });
