import { Button, Empty, Table } from 'antd';
import type { TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../api/types';
import { errorText } from '../lib/api-errors';

/** What the table needs of a `useQuery` result for one page of rows. */
export type PageQuery<T> = {
  data: Pick<Page<T>, 'items' | 'total'> | undefined;
  isFetching: boolean;
  isError: boolean;
  error: unknown;
};

export type PagedTableProps<T> = Omit<
  TableProps<T>,
  'rowKey' | 'size' | 'dataSource' | 'loading' | 'locale' | 'pagination'
> & {
  /** `data-testid` of the element around the table. */
  testId: string;
  query: PageQuery<T>;
  page: number;
  pageSize: number;
  pageSizeOptions?: number[];
  onPageChange: (page: number) => void;
  /** Called before `onPageChange(1)`: a new page size starts again on the first page. */
  onPageSizeChange: (pageSize: number) => void;
  /** Shown when the query worked but found nothing. */
  emptyDescription: ReactNode;
  /** When given, a failed load offers a Retry button. */
  onRetry?: () => void;
};

/** A table of rows with an `id`, paged on the server: one page of a query, its total and its empty state. */
export const PagedTable = <T extends { id: number }>({
  testId,
  query,
  page,
  pageSize,
  pageSizeOptions,
  onPageChange,
  onPageSizeChange,
  emptyDescription,
  onRetry,
  ...tableProps
}: PagedTableProps<T>) => {
  const { t } = useTranslation();
  const emptyText = query.isError ? (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={`${t('common.loadFailed')}：${errorText(query.error)}`}
    >
      {onRetry && (
        <Button size="small" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Empty>
  ) : (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyDescription} />
  );
  return (
    <div data-testid={testId}>
      <Table<T>
        rowKey="id"
        size="middle"
        {...tableProps}
        dataSource={query.data?.items ?? []}
        loading={query.isFetching}
        locale={{ emptyText }}
        pagination={{
          current: page,
          pageSize,
          total: query.data?.total ?? 0,
          showSizeChanger: true,
          ...(pageSizeOptions ? { pageSizeOptions } : {}),
          showTotal: (total) => t('common.total', { total }),
          onChange: (nextPage, nextSize) => {
            if (nextSize !== pageSize) {
              onPageSizeChange(nextSize);
              onPageChange(1);
            } else onPageChange(nextPage);
          },
        }}
      />
    </div>
  );
};
