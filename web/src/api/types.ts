// Types of the v1 API as described in docs/api-contract.md. Keep in step with the contract.

export type Locale = 'zh-CN' | 'en';
export type Role = 'admin' | 'manager' | 'staff' | 'auditor' | 'viewer';
export type Permission =
  | 'org.read'
  | 'org.write'
  | 'users.manage'
  | 'audit.read'
  | 'calendar.manage'
  | 'customers.read'
  | 'customers.write'
  | 'customers.contact'
  | 'cases.read'
  | 'cases.write'
  | 'cases.dispatch'
  | 'cases.callback'
  | 'cases.configure'
  | 'notifications.manage'
  | 'indicators.read'
  | 'indicators.load'
  | 'indicators.manage';
export type UnitKind = 'company' | 'branch' | 'department' | 'grid' | 'area' | 'team' | 'site';

export const ROLES: readonly Role[] = ['admin', 'manager', 'staff', 'auditor', 'viewer'];
export const UNIT_KINDS: readonly UnitKind[] = [
  'company',
  'branch',
  'department',
  'grid',
  'area',
  'team',
  'site',
];

export type Grant = { role: Role; unitId: number; unitName: string };
export type GrantInput = { role: Role; unitId: number };

export type Me = {
  id: number;
  username: string;
  displayName: string;
  locale: Locale;
  personId: number | null;
  roles: Role[];
  grants: Grant[];
  permissions: Permission[];
};

export type Session = { user: Me; csrfToken: string };

export type Unit = {
  id: number;
  parentId: number | null;
  code: string;
  name: string;
  nameEn: string | null;
  kind: UnitKind;
  sortOrder: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
};

export type CreateUnitInput = {
  parentId: number | null;
  code: string;
  name: string;
  nameEn?: string | null;
  kind: UnitKind;
  sortOrder?: number;
};

export type UpdateUnitInput = Partial<{
  parentId: number | null;
  code: string;
  name: string;
  nameEn: string | null;
  kind: UnitKind;
  sortOrder: number;
  active: boolean;
}>;

export type Person = {
  id: number;
  unitId: number;
  unitName: string;
  employeeNo: string | null;
  name: string;
  level: string | null;
  position: string | null;
  region: string | null;
  city: string | null;
  phone: string | null;
  email: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
};

/** Optional text fields of a person; `null` clears a field on PATCH. */
export type PersonTextFields = {
  employeeNo?: string | null;
  level?: string | null;
  position?: string | null;
  region?: string | null;
  city?: string | null;
  phone?: string | null;
  email?: string | null;
};

export type CreatePersonInput = { unitId: number; name: string } & PersonTextFields;
export type UpdatePersonInput = { unitId?: number; name?: string; active?: boolean } & PersonTextFields;

export type User = {
  id: number;
  username: string;
  displayName: string;
  personId: number | null;
  locale: Locale;
  active: boolean;
  grants: Grant[];
  createdAt: string;
  updatedAt: string;
};

export type CreateUserInput = {
  username: string;
  displayName: string;
  password: string;
  personId?: number | null;
  grants: GrantInput[];
};

export type UpdateUserInput = Partial<{
  displayName: string;
  personId: number | null;
  active: boolean;
  grants: GrantInput[];
}>;

export type JsonObject = { [key: string]: unknown };

export type AuditEvent = {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string;
  action: string;
  entity: string;
  entityId: string | number;
  before: JsonObject | null;
  after: JsonObject | null;
};

/** A wall-clock time range of one day, `["09:00", "12:00"]`; `24:00` is the end of the day. */
export type TimeRange = [string, string];
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export type WeeklyHours = Record<Weekday, TimeRange[]>;

export type Calendar = {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  timeZone: string;
  weekly: WeeklyHours;
  /** The years whose holidays the calendar knows; dates outside are refused, never guessed. */
  coverage: { fromYear: number; toYear: number };
  createdAt: string;
  updatedAt: string;
};

export type CalendarDayKind = 'holiday' | 'workday';

/** A date that does not follow the weekly hours: a holiday, or a (make-up) working day. */
export type CalendarDay = {
  date: string;
  kind: CalendarDayKind;
  name: string | null;
  hours: TimeRange[] | null;
};

export type CalendarWithDays = Calendar & { days: CalendarDay[] };

export type SetCalendarDayInput = { kind: CalendarDayKind; name?: string; hours?: TimeRange[] };

export type UpdateCalendarInput = Partial<{
  name: string;
  nameEn: string | null;
  timeZone: string;
  weekly: WeeklyHours;
  coverage: { fromYear: number; toYear: number };
}>;

export type AddDurationResult = { start: string; duration: string; end: string };
export type MeasureResult = { workingMs: number; workingHours: number; workingMinutes: number };

export type CustomerKind = 'person' | 'household' | 'company';
export type CustomerTag = 'key' | 'vip' | 'sensitive' | 'elderly';
export const CUSTOMER_KINDS: readonly CustomerKind[] = ['person', 'household', 'company'];
export const CUSTOMER_TAGS: readonly CustomerTag[] = ['key', 'vip', 'sensitive', 'elderly'];

export type Customer = {
  id: number;
  unitId: number;
  unitName: string;
  externalKey: string | null;
  name: string;
  kind: CustomerKind;
  /** Masked (138****1234) unless the caller holds customers.contact on the customer's unit. */
  phone: string | null;
  phone2: string | null;
  /** Whether phone and phone2 are masked in this reply. */
  contactMasked: boolean;
  address: string | null;
  building: string | null;
  room: string | null;
  tags: CustomerTag[];
  notes: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Optional text fields of a customer; `null` clears a field on PATCH. */
export type CustomerTextFields = {
  externalKey?: string | null;
  phone?: string | null;
  phone2?: string | null;
  address?: string | null;
  building?: string | null;
  room?: string | null;
  notes?: string | null;
};

export type CreateCustomerInput = {
  unitId: number;
  name: string;
  kind?: CustomerKind;
  tags?: CustomerTag[];
} & CustomerTextFields;
export type UpdateCustomerInput = {
  unitId?: number;
  name?: string;
  kind?: CustomerKind;
  tags?: CustomerTag[];
} & CustomerTextFields;

/** The full phone numbers of a customer (reading them is audited). */
export type CustomerContact = { id: number; phone: string | null; phone2: string | null };

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };
export type ItemList<T> = { items: T[] };

export type ValidationIssue = { path: string | (string | number)[]; message: string };
