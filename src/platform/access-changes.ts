/**
 * A signal that who-may-do-what has changed in this process: a session ended, a password,
 * a user's grants or active flag changed. Caches of resolved credentials subscribe and drop
 * what they hold. Other processes learn of the change when their cache entries expire.
 */
const listeners = new Set<() => void>();

export const onAccessChanged = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const notifyAccessChanged = (): void => {
  for (const listener of listeners) listener();
};
