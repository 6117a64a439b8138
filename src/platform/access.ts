import { AppError } from './errors/app-error.js';

/**
 * The access model every module shares. The org module stores role grants (role × unit);
 * this file says what a role may do. A grant on a unit covers that unit's whole subtree.
 */
export const roles = ['admin', 'manager', 'staff', 'auditor', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'org.read',
  'org.write',
  'users.manage',
  'audit.read',
  'calendar.manage',
  'customers.read',
  'customers.write',
  'customers.contact',
  'cases.read',
  'cases.write',
  'cases.dispatch',
  'cases.callback',
  'cases.configure',
  'notifications.manage',
  'indicators.read',
  'indicators.load',
  'indicators.manage',
] as const;
export type Permission = (typeof permissions)[number];

const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: permissions,
  manager: [
    'org.read',
    'org.write',
    'audit.read',
    'customers.read',
    'customers.write',
    'customers.contact',
    'cases.read',
    'cases.write',
    'cases.dispatch',
    'cases.callback',
    'indicators.read',
    'indicators.load',
  ],
  staff: [
    'org.read',
    'customers.read',
    'customers.write',
    'cases.read',
    'cases.write',
    'cases.callback',
    'indicators.read',
  ],
  auditor: ['org.read', 'audit.read', 'customers.read', 'cases.read', 'indicators.read'],
  viewer: ['org.read', 'customers.read', 'cases.read', 'indicators.read'],
};

export const permissionsOfRole = (role: Role): readonly Permission[] => rolePermissions[role];

/** The roles that carry a permission. */
export const rolesWith = (permission: Permission): Role[] =>
  roles.filter((role) => rolePermissions[role].includes(permission));

export type Grant = { role: Role; unitId: number };

/**
 * Who performs an operation. `system` is the CLI and start-up work: unrestricted, and
 * recorded as such in the audit log. A user acts only within his grants.
 */
export type Actor =
  | { kind: 'user'; userId: number; name: string; grants: readonly Grant[] }
  | { kind: 'system'; userId: null; name: string };

export const systemActor = (name = 'system'): Actor => ({ kind: 'system', userId: null, name });

/** The units under which the actor holds `permission`: 'all' for the system, else grant roots. */
export type ScopeRoots = 'all' | number[];

export const scopeRoots = (actor: Actor, permission: Permission): ScopeRoots => {
  if (actor.kind === 'system') return 'all';
  const roots = new Set<number>();
  for (const grant of actor.grants) {
    if (rolePermissions[grant.role].includes(permission)) roots.add(grant.unitId);
  }
  return [...roots];
};

export const permissionsOf = (actor: Actor): Permission[] =>
  actor.kind === 'system'
    ? [...permissions]
    : permissions.filter((p) => actor.grants.some((g) => rolePermissions[g.role].includes(p)));

/**
 * Refuses with 403 when the actor's roles do not allow `permission` on any unit at all.
 * Whether a particular record is inside the scope is the query's business (404 when not).
 */
export const requirePermission = (actor: Actor, permission: Permission): ScopeRoots => {
  const roots = scopeRoots(actor, permission);
  if (roots !== 'all' && roots.length === 0) throw new AppError('auth.forbidden', { permission });
  return roots;
};
