import { CheckOutlined, ExportOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Flex, Segmented, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import {
  getUnreadCount,
  isKnownTopic,
  listInbox,
  localised,
  markAllInboxRead,
  markInboxItemRead,
  notificationKeys,
} from '../api/notifications';
import type { InboxItem } from '../api/notifications';
import { PageHeader } from '../components/page-header';
import { PagedTable } from '../components/paged-table';
import { formatDateTime } from '../lib/format';
import { useFeedback } from '../lib/use-feedback';
import { IconAction } from '../components/icon-action';

const DEFAULT_PAGE_SIZE = 20;

/** Markdown shown as plain text: the inbox preview needs words, not markup. */
const plainText = (markdown: string): string =>
  markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^>\s?/gm, '')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/<[^>]+>/g, '');

const topicColor = (topic: string): string | undefined => {
  if (/breach|escalat|reopen/.test(topic)) return 'red';
  if (/risk/.test(topic)) return 'orange';
  if (/callback/.test(topic)) return 'purple';
  if (/assign/.test(topic)) return 'blue';
  return undefined;
};

/** A link inside the app opens in place; an absolute http(s) link in a new tab; anything else is ignored. */
const isAppPath = (link: string) => link.startsWith('/') && !link.startsWith('//');
const isWebLink = (link: string) => /^https?:\/\//i.test(link);

export const InboxPage = () => {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);

  const params = { unread: unreadOnly || undefined, page, pageSize };
  const query = useQuery({
    queryKey: notificationKeys.inboxList(params),
    queryFn: () => listInbox(params),
    placeholderData: keepPreviousData,
  });
  const unread = useQuery({ queryKey: notificationKeys.unreadCount, queryFn: getUnreadCount });
  const unreadCount = unread.data?.count ?? 0;

  // List, badge and bell share the ['notifications'] prefix.
  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationKeys.inbox });
  const markRead = useMutation({
    mutationFn: (item: InboxItem) => markInboxItemRead(item.id),
    onSuccess: () => void refresh(),
    onError: (error) => showError(error),
  });
  const markAll = useMutation({
    mutationFn: markAllInboxRead,
    onSuccess: ({ updated }) => {
      void message.success(
        updated > 0
          ? t('notifications.inbox.markedAllRead', { n: updated })
          : t('notifications.inbox.nothingUnread'),
      );
      void refresh();
    },
    onError: (error) => showError(error),
  });

  const openItem = (item: InboxItem) => {
    if (item.readAt === null) markRead.mutate(item);
    if (!item.link) return;
    if (isAppPath(item.link)) navigate(item.link);
    else if (isWebLink(item.link)) window.open(item.link, '_blank', 'noopener,noreferrer');
  };

  const topicLabel = (topic: string) => (isKnownTopic(topic) ? t(`notifications.topics.${topic}`) : topic);

  const columns: TableColumnsType<InboxItem> = [
    {
      title: t('notifications.inbox.message'),
      key: 'message',
      render: (_v, item) => {
        const isUnread = item.readAt === null;
        return (
          <Flex gap={10} align="flex-start">
            <Badge
              status={isUnread ? 'processing' : 'default'}
              style={{ visibility: isUnread ? 'visible' : 'hidden', marginTop: 4 }}
              aria-label={isUnread ? t('notifications.inbox.unreadDot') : undefined}
            />
            <Flex vertical gap={2} style={{ minWidth: 0 }}>
              <Flex gap={8} align="center" wrap>
                <Tag color={topicColor(item.topic)} style={{ marginInlineEnd: 0 }}>
                  {topicLabel(item.topic)}
                </Tag>
                <Typography.Text strong={isUnread} type={isUnread ? undefined : 'secondary'}>
                  {localised(item.title, i18n.language)}
                </Typography.Text>
              </Flex>
              <Typography.Paragraph
                type="secondary"
                ellipsis={{ rows: 2 }}
                style={{ marginBottom: 0, fontSize: 13 }}
              >
                {plainText(localised(item.body, i18n.language))}
              </Typography.Paragraph>
            </Flex>
          </Flex>
        );
      },
    },
    {
      title: t('notifications.inbox.time'),
      dataIndex: 'createdAt',
      width: 180,
      render: (value: string) => formatDateTime(value),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_v, item) => (
        <Flex gap={2} onClick={(e) => e.stopPropagation()}>
          {item.readAt === null && (
            <IconAction
              title={t('notifications.inbox.markRead')}
              icon={<CheckOutlined />}
              onClick={() => markRead.mutate(item)}
              testId="inbox-mark-read"
            />
          )}
          {item.link && (
            <IconAction
              title={t('notifications.inbox.open')}
              icon={<ExportOutlined />}
              onClick={() => openItem(item)}
              testId="inbox-open"
            />
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('notifications.inbox.title')}
        subtitle={t('notifications.inbox.subtitle')}
        extra={
          <Button
            icon={<CheckOutlined />}
            disabled={unreadCount === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
            data-testid="inbox-mark-all-read"
          >
            {t('notifications.inbox.markAllRead')}
          </Button>
        }
      />
      <Card>
        <Flex style={{ marginBottom: 12 }}>
          <Segmented<'all' | 'unread'>
            value={unreadOnly ? 'unread' : 'all'}
            onChange={(value) => {
              setUnreadOnly(value === 'unread');
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('notifications.inbox.all') },
              {
                value: 'unread',
                label:
                  unreadCount > 0
                    ? `${t('notifications.inbox.unread')} (${unreadCount})`
                    : t('notifications.inbox.unread'),
              },
            ]}
            data-testid="inbox-filter"
          />
        </Flex>
        <PagedTable<InboxItem>
          testId="inbox-table"
          query={query}
          columns={columns}
          showHeader={false}
          onRow={(item) => ({
            onClick: () => openItem(item),
            style: { cursor: item.link || item.readAt === null ? 'pointer' : undefined },
          })}
          expandable={{
            expandedRowRender: (item) => (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {plainText(localised(item.body, i18n.language))}
              </Typography.Paragraph>
            ),
          }}
          emptyDescription={
            unreadOnly ? t('notifications.inbox.emptyUnread') : t('notifications.inbox.empty')
          }
          onRetry={() => void query.refetch()}
          page={page}
          pageSize={pageSize}
          pageSizeOptions={[10, 20, 50, 100]}
          onPageChange={setPage}
          onPageSizeChange={setPageSize}
        />
      </Card>
    </>
  );
};
