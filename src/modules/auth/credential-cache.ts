import type { Clock } from '../../platform/clock.js';

/**
 * Resolving a session or token costs three queries; a busy client sends many requests a
 * second with the same credentials. This cache keeps the result for `ttlMs` (so a session may
 * outlive its idle expiry by that much). In this process every change of access empties it at once (see
 * access-changes.ts); another process sharing the database sees a logout, deactivation or
 * grant change at most `ttlMs` late.
 */
export type CredentialCache<T> = {
  get: (key: string) => T | undefined;
  set: (key: string, value: T) => void;
  clear: () => void;
};

export const createCredentialCache = <T>({
  ttlMs,
  max,
  clock,
}: {
  ttlMs: number;
  max: number;
  clock: Clock;
}): CredentialCache<T> => {
  const entries = new Map<string, { value: T; until: number }>();
  return {
    get: (key) => {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.until <= clock.now().getTime()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set: (key, value) => {
      if (entries.size >= max) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, until: clock.now().getTime() + ttlMs });
    },
    clear: () => entries.clear(),
  };
};
