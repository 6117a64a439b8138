import { api } from './client';
import type { CreateUserInput, Page, UpdateUserInput, User } from './types';

export type UsersQuery = { q?: string; page?: number; pageSize?: number };

export const listUsers = (query: UsersQuery): Promise<Page<User>> => api.get<Page<User>>('/users', query);
export const getUser = (id: number): Promise<User> => api.get<User>(`/users/${id}`);
export const createUser = (input: CreateUserInput): Promise<User> => api.post<User>('/users', input);
export const updateUser = (id: number, input: UpdateUserInput): Promise<User> =>
  api.patch<User>(`/users/${id}`, input);
export const resetUserPassword = (id: number, password: string): Promise<void> =>
  api.post<void>(`/users/${id}/reset-password`, { password });
