import { hash, verify } from '@node-rs/argon2';
import type { Options } from '@node-rs/argon2';

/**
 * Password hashing behind one small module, so the library can be replaced. argon2id with
 * OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 */
// `2` is Algorithm.Argon2id: a const enum, which isolated modules cannot import.
const options: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, options);

export const verifyPassword = async (storedHash: string, password: string): Promise<boolean> => {
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a crash
  }
};

let dummy: Promise<string> | undefined;
/** Spends the same time as a real check, so a login for an unknown user is not faster. */
export const burnPasswordCheck = async (password: string): Promise<void> => {
  dummy ??= hashPassword('guankong-dummy-password');
  await verifyPassword(await dummy, password);
};
