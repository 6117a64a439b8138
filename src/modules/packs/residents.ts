import type { CustomerTag } from '../customers/customers.schema.js';
import type { Pack } from './pack.schema.js';
import type { Random } from './random.js';
import { createRandom } from './random.js';

/*
 * Customers generated from a pack's buildings, and the places cases are about. Pure and
 * deterministic: the same pack gives the same customers (names, phones, tags) every time, so a
 * second load finds each one by its external key instead of creating another.
 */

type Residents = NonNullable<Pack['residents']>;
export type Building = Residents['buildings'][number];

/** Where a case or customer is: filled into the pack's `{placeholder}` templates. */
export type Place = {
  estate: string;
  building: string;
  entrance: number;
  floor: number;
  /** The room as written with the pack's room format. */
  room: string;
  customer: string;
};

export type GeneratedResident = {
  externalKey: string;
  unit: string;
  name: string;
  phone: string;
  building: string;
  room: string;
  address: string;
  tags: CustomerTag[];
  place: Place;
};

const pad2 = (n: number) => String(n).padStart(2, '0');

export const writeRoom = (format: string, entrance: number, floor: number, room: number): string =>
  format
    .replaceAll('{entrance}', String(entrance))
    .replaceAll('{floor}', String(floor))
    .replaceAll('{room}', pad2(room));

/** Fills `{estate}`, `{building}`, `{entrance}`, `{floor}`, `{room}` and `{customer}`. */
export const fillTemplate = (template: string, place: Place): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in place ? String(place[name as keyof Place]) : whole,
  );

/** A place in one of the buildings of a unit, for cases without a customer (a corridor, a lift). */
export const randomPlace = (random: Random, format: string, building: Building): Place => {
  const entrance = random.int(1, building.entrances);
  const floor = random.int(1, building.floors);
  return {
    estate: building.estate,
    building: building.name,
    entrance,
    floor,
    room: writeRoom(format, entrance, floor, random.int(1, building.roomsPerFloor)),
    customer: '',
  };
};

/** Every customer of the pack's buildings, in a fixed order. */
export const generateResidents = (spec: Residents): GeneratedResident[] => {
  const random = createRandom(spec.seed);
  const out: GeneratedResident[] = [];
  for (const b of spec.buildings)
    for (let entrance = 1; entrance <= b.entrances; entrance++)
      for (let floor = 1; floor <= b.floors; floor++)
        for (let room = 1; room <= b.roomsPerFloor; room++) {
          // Every draw happens for every room, taken or not, so changing one building's
          // occupancy does not reshuffle the people living in the others.
          const occupied = random.next() < b.occupancy;
          const name = random.pick(spec.surnames) + random.pick(spec.givenNames);
          const phone = random.pick(spec.phonePrefixes) + String(random.int(0, 99_999_999)).padStart(8, '0');
          const tags = (Object.entries(spec.tags) as Array<[CustomerTag, number]>)
            .filter(([, share]) => random.next() < share)
            .map(([tag]) => tag);
          if (!occupied) continue;
          const written = writeRoom(spec.roomFormat, entrance, floor, room);
          const place: Place = {
            estate: b.estate,
            building: b.name,
            entrance,
            floor,
            room: written,
            customer: name,
          };
          out.push({
            externalKey: `${spec.externalKeyPrefix}${b.code}-${entrance}-${floor}${pad2(room)}`,
            unit: b.unit,
            name,
            phone,
            building: `${b.estate}${b.name}`,
            room: written,
            address: fillTemplate(spec.addressFormat, place),
            tags,
            place,
          });
        }
  return out;
};
