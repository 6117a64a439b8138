import type { Generated } from 'kysely';

/** Kysely row type of the customers table (see DESIGN: the people and households cases are about). */
export type CustomerTable = {
  id: Generated<number>;
  /** The unit that owns the customer; the caller's scope is checked against it. */
  unitId: number;
  /** Subscriber, room or account number; unique when present. */
  externalKey: string | null;
  name: string;
  kind: string;
  phone: string | null;
  phone2: string | null;
  address: string | null;
  building: string | null;
  room: string | null;
  /** JSON array of tag keys, e.g. ["key"] for 重点客户. */
  tagsJson: string;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
};

export type CustomersTables = { customers: CustomerTable };
