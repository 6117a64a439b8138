/**
 * Masks a phone number for display to a caller who may not see it in full (PIPL practice):
 * separators are dropped, the first 3 and last 4 characters stay, the rest becomes `****`
 * (`138****1234`). Numbers too short for that keep a quarter at each end and mask the middle.
 */
export const maskPhone = (phone: string): string => {
  const compact = phone.replace(/[\s\-()]/g, '');
  if (compact.length >= 8) return `${compact.slice(0, 3)}****${compact.slice(-4)}`;
  const keep = Math.floor(compact.length / 4);
  return `${compact.slice(0, keep)}${'*'.repeat(compact.length - 2 * keep)}${compact.slice(compact.length - keep)}`;
};

/** The digits and `+` of a phone number, for comparing numbers typed with different separators. */
export const normalisePhone = (phone: string): string => phone.replace(/[^0-9+]/g, '');
