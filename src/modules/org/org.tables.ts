import type { Generated } from 'kysely';

/** Kysely row types of the tables the org module owns (see DESIGN: units, people, users, roles). */
export type UnitTable = {
  id: Generated<number>;
  parentId: number | null;
  code: string;
  name: string;
  nameEn: string | null;
  kind: string;
  sortOrder: number;
  active: number;
  createdAt: string;
  updatedAt: string;
};

/** Closure table: one row per (ancestor, descendant) pair including each unit with itself at depth 0. */
export type UnitClosureTable = {
  ancestorId: number;
  descendantId: number;
  depth: number;
};

export type PersonTable = {
  id: Generated<number>;
  unitId: number;
  employeeNo: string | null;
  name: string;
  level: string | null;
  position: string | null;
  region: string | null;
  city: string | null;
  phone: string | null;
  email: string | null;
  active: number;
  createdAt: string;
  updatedAt: string;
};

export type UserTable = {
  id: Generated<number>;
  username: string;
  displayName: string;
  personId: number | null;
  passwordHash: string;
  locale: string;
  active: number;
  passwordChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type RoleGrantTable = {
  id: Generated<number>;
  userId: number;
  role: string;
  unitId: number;
  createdAt: string;
};

/** A single row (id 1): bumped with every change to units, read to validate cached trees. */
export type UnitTreeVersionTable = { id: number; version: number };

export type OrgTables = {
  unitTreeVersion: UnitTreeVersionTable;
  units: UnitTable;
  unitClosure: UnitClosureTable;
  people: PersonTable;
  users: UserTable;
  roleGrants: RoleGrantTable;
};
