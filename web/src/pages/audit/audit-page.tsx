import { SearchOutlined, UserOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Card, Flex, Form, Input, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { listAuditEvents } from '../../api/audit';
import { queryKeys } from '../../api/query-keys';
import type { AuditEvent } from '../../api/types';
import { actionLabel, entityLabel, fieldLabel } from '../../components/audit-labels';
import { AuditDiffTable } from '../../components/audit-diff-table';
import { PageHeader } from '../../components/page-header';
import { PagedTable } from '../../components/paged-table';
import { ACTION_COLORS, actionKind, diffEvent } from '../../lib/audit-diff';
import { formatDateTime } from '../../lib/format';

/** Entities the org module writes today; the filter also accepts any other string. */
const KNOWN_ENTITIES = ['unit', 'person', 'user'];

type Filters = { entity?: string; entityId?: string };

export const AuditPage = () => {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<Filters>();
  const [pageSize, setPageSize] = useState(20);

  // Filters live in the URL so a link to "the history of person 42" can be shared.
  const entity = params.get('entity') ?? undefined;
  const entityId = params.get('entityId') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);

  // Keep the filter form in step when the URL changes (back button, clicking an entity id).
  useEffect(() => {
    form.setFieldsValue({ entity, entityId });
  }, [form, entity, entityId]);

  const update = (next: Filters & { page?: number }) => {
    const p = new URLSearchParams();
    if (next.entity) p.set('entity', next.entity);
    if (next.entityId) p.set('entityId', next.entityId);
    if (next.page && next.page > 1) p.set('page', String(next.page));
    setParams(p);
  };

  const queryParams = { entity, entityId, page, pageSize };
  const query = useQuery({
    queryKey: queryKeys.auditList(queryParams),
    queryFn: () => listAuditEvents(queryParams),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<AuditEvent> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: formatDateTime },
    {
      title: t('audit.actor'),
      dataIndex: 'actorName',
      width: 130,
      render: (name: string) => (
        <span>
          <UserOutlined style={{ color: '#8c98a8', marginInlineEnd: 4 }} />
          {name || t('audit.system')}
        </span>
      ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 120,
      render: (action: string) => {
        const kind = actionKind(action);
        return (
          <Tag color={kind ? ACTION_COLORS[kind] : 'default'} title={action}>
            {actionLabel(t, action)}
          </Tag>
        );
      },
    },
    {
      title: t('audit.entity'),
      dataIndex: 'entity',
      width: 120,
      render: (value: string) => entityLabel(t, value),
    },
    {
      title: t('audit.entityId'),
      dataIndex: 'entityId',
      width: 90,
      render: (value: string | number, event) => (
        <Typography.Link onClick={() => update({ entity: event.entity, entityId: String(value) })}>
          {value}
        </Typography.Link>
      ),
    },
    {
      title: t('audit.changes'),
      key: 'changes',
      ellipsis: true,
      render: (_v, event) => {
        const changes = diffEvent(event);
        if (changes.length === 0)
          return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
        return (
          <Typography.Text type="secondary">
            {changes
              .slice(0, 6)
              .map((c) => fieldLabel(t, c.field))
              .join(t('common.listSeparator'))}
            {changes.length > 6 ? ' …' : ''}
          </Typography.Text>
        );
      },
    },
  ];

  const filtered = Boolean(entity || entityId);

  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <Card>
        <Form<Filters>
          form={form}
          layout="inline"
          initialValues={{ entity, entityId }}
          onFinish={(v) =>
            update({ entity: v.entity?.trim() || undefined, entityId: v.entityId?.trim() || undefined })
          }
          style={{ marginBottom: 16, rowGap: 8 }}
        >
          <Form.Item name="entity" label={t('audit.entity')}>
            <AutoComplete
              allowClear
              style={{ width: 180 }}
              placeholder={t('audit.entityPlaceholder')}
              options={KNOWN_ENTITIES.map((e) => ({ value: e, label: `${entityLabel(t, e)}（${e}）` }))}
            />
          </Form.Item>
          <Form.Item name="entityId" label={t('audit.entityId')}>
            <Input allowClear style={{ width: 160 }} placeholder={t('audit.entityIdPlaceholder')} />
          </Form.Item>
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('common.query')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  form.setFieldsValue({ entity: undefined, entityId: undefined });
                  update({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Flex>
          </Form.Item>
        </Form>
        <PagedTable<AuditEvent>
          testId="audit-table"
          query={query}
          columns={columns}
          scroll={{ x: 900 }}
          expandable={{
            expandedRowRender: (event) => <AuditDiffTable event={event} />,
            rowExpandable: (event) => event.before !== null || event.after !== null,
          }}
          emptyDescription={filtered ? t('audit.emptyFiltered') : t('audit.empty')}
          page={page}
          pageSize={pageSize}
          onPageChange={(nextPage) => update({ entity, entityId, page: nextPage })}
          onPageSizeChange={setPageSize}
        />
      </Card>
    </>
  );
};
