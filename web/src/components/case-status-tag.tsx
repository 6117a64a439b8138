import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseStatus } from '../api/cases';
import { CASE_STATUSES } from '../api/cases';

/** Colours of the case statuses: waiting (purple), moving (blue shades), on hold (gold), done (green), ended (grey). */
export const CASE_STATUS_COLORS: Record<CaseStatus, string> = {
  registered: 'purple',
  assigned: 'geekblue',
  accepted: 'cyan',
  in_progress: 'blue',
  paused: 'gold',
  resolved: 'green',
  called_back: 'lime',
  closed: 'default',
  cancelled: 'default',
};

export const isCaseStatus = (value: unknown): value is CaseStatus =>
  typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value);

/** The status of a case as a coloured tag; `data-status` carries the status key for tests. */
export const CaseStatusTag = ({
  status,
  testId = 'case-status',
}: {
  status: CaseStatus;
  testId?: string;
}) => {
  const { t } = useTranslation();
  return (
    <Tag
      color={CASE_STATUS_COLORS[status] ?? 'default'}
      style={{ marginInlineEnd: 0, textDecoration: status === 'cancelled' ? 'line-through' : undefined }}
      data-testid={testId}
      data-status={status}
    >
      {isCaseStatus(status) ? t(`cases.status.${status}`) : status}
    </Tag>
  );
};
