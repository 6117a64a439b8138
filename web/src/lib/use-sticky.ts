import { useState } from 'react';

/**
 * The last non-null value seen. A modal keeps showing what it was opened for while its close
 * animation runs, instead of flipping to an empty "create" title for a moment.
 */
export const useSticky = <T>(value: T | null): T | null => {
  const [last, setLast] = useState<T | null>(value);
  if (value !== null && value !== last) setLast(value);
  return value ?? last;
};
