import dayjs from 'dayjs';

export const formatDateTime = (value: string | null | undefined): string =>
  value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : '—';

export const formatDate = (value: string | null | undefined): string =>
  value ? dayjs(value).format('YYYY-MM-DD') : '—';

/** Empty form text becomes null (clears the field on PATCH). */
export const blankToNull = (value: string | null | undefined): string | null => {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
};
