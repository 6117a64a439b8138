import type { Actor } from './access.js';
import type { Clock } from './clock.js';
import type { Db } from './db/database.js';

/** The explicit dependencies every domain function takes besides its options object. */
export type Deps = { db: Db; clock: Clock; actor: Actor };
