import { Alert, Drawer, Skeleton } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AuditEvent, ItemList } from '../api/types';
import { errorText } from '../lib/api-errors';
import { useSticky } from '../lib/use-sticky';
import { AuditTimeline } from './audit-timeline';

export type HistoryTarget = {
  title: string;
  queryKey: readonly unknown[];
  load: () => Promise<ItemList<AuditEvent>>;
};

/** Side drawer with the audit trail of a unit or a person. */
export const HistoryDrawer = ({
  target: requested,
  onClose,
}: {
  target: HistoryTarget | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const target = useSticky(requested);
  const query = useQuery({
    queryKey: target?.queryKey ?? ['history', 'none'],
    queryFn: () => (target ? target.load() : Promise.resolve({ items: [] })),
    enabled: requested !== null,
  });
  return (
    <Drawer
      open={requested !== null}
      onClose={onClose}
      title={target ? t('audit.historyTitle', { name: target.title }) : ''}
      size={520}
      destroyOnHidden
      data-testid="history-drawer"
    >
      {query.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(query.error)} />
      ) : (
        <AuditTimeline events={query.data.items} />
      )}
    </Drawer>
  );
};
