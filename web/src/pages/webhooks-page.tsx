import {
  DeleteOutlined,
  EditOutlined,
  LockOutlined,
  PlusOutlined,
  ReloadOutlined,
  SendOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import {
  Button,
  Card,
  Checkbox,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  Radio,
  Select,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  KNOWN_TOPICS,
  WEBHOOK_KINDS,
  WEBHOOK_LOCALES,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  isKnownTopic,
  listWebhookDeliveries,
  listWebhookEndpoints,
  notificationKeys,
  testWebhookEndpoint,
  updateWebhookEndpoint,
} from '../api/notifications';
import type {
  DeliveryStatus,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookKind,
  WebhookLocale,
} from '../api/notifications';
import { FormDrawer } from '../components/form-drawer';
import { PageHeader } from '../components/page-header';
import { UnitTreeSelect } from '../components/unit-tree-select';
import { errorText } from '../lib/api-errors';
import { formatDateTime } from '../lib/format';
import { unitDisplayName } from '../lib/unit-tree';
import { useConfirmDelete } from '../lib/use-confirm-delete';
import { useFeedback } from '../lib/use-feedback';
import { useFormSave } from '../lib/use-form-save';
import { useSticky } from '../lib/use-sticky';
import { useUnitMap } from '../lib/use-units';
import { IconAction } from '../components/icon-action';

type FormMode = { type: 'create' } | { type: 'edit'; endpoint: WebhookEndpoint };

type Values = {
  name: string;
  kind: WebhookKind;
  url: string;
  secret?: string;
  clearSecret?: boolean;
  unitId: number | null;
  topics: string[];
  locale: WebhookLocale;
  enabled: boolean;
};

const STATUS_COLOR: Record<DeliveryStatus, string> = { queued: 'blue', delivered: 'green', failed: 'red' };
const HTTP_URL = /^https?:\/\/[^\s/?#]+/i;

const useTopicLabel = () => {
  const { t } = useTranslation();
  return (topic: string) => (isKnownTopic(topic) ? t(`notifications.topics.${topic}`) : topic);
};

const initialValuesFor = (mode: FormMode | null): Partial<Values> => {
  if (!mode || mode.type === 'create')
    return { kind: 'dingtalk', unitId: null, topics: [], locale: 'zh-CN', enabled: true };
  const e = mode.endpoint;
  return {
    name: e.name,
    kind: e.kind,
    url: e.url,
    unitId: e.unitId,
    topics: e.topics,
    locale: e.locale,
    enabled: e.enabled,
  };
};

const EndpointForm = ({ mode: requested, onClose }: { mode: FormMode | null; onClose: () => void }) => {
  const { t } = useTranslation();
  const topicLabel = useTopicLabel();
  const mode = useSticky(requested);
  const editing = mode?.type === 'edit' ? mode.endpoint : null;

  const { form, mutation } = useFormSave({
    save: async (v: Values): Promise<WebhookEndpoint> => {
      const secret = v.secret?.trim() ? v.secret.trim() : undefined;
      if (!editing) {
        return createWebhookEndpoint({
          name: v.name.trim(),
          kind: v.kind,
          url: v.url.trim(),
          ...(secret && v.kind !== 'wecom' ? { secret } : {}),
          unitId: v.unitId ?? null,
          topics: v.topics,
          locale: v.locale,
          enabled: v.enabled,
        });
      }
      const patch: UpdateWebhookEndpointInput = {};
      if (v.name.trim() !== editing.name) patch.name = v.name.trim();
      if (v.kind !== editing.kind) patch.kind = v.kind;
      // The masked URL sent back unchanged would keep the stored one anyway; not sending it is clearer.
      if (v.url.trim() !== editing.url) patch.url = v.url.trim();
      if (v.kind === 'wecom' || v.clearSecret) {
        if (editing.hasSecret) patch.secret = null;
      } else if (secret) patch.secret = secret;
      if ((v.unitId ?? null) !== editing.unitId) patch.unitId = v.unitId ?? null;
      if (v.topics.join('\n') !== editing.topics.join('\n')) patch.topics = v.topics;
      if (v.locale !== editing.locale) patch.locale = v.locale;
      if (v.enabled !== editing.enabled) patch.enabled = v.enabled;
      if (Object.keys(patch).length === 0) return editing;
      return updateWebhookEndpoint(editing.id, patch);
    },
    creating: !editing,
    invalidateKey: notificationKeys.endpoints,
    onDone: onClose,
  });

  const kind = Form.useWatch('kind', form) ?? editing?.kind ?? 'dingtalk';
  const clearSecret = Form.useWatch('clearSecret', form) ?? false;
  const maxRule = (field: string, max: number) => ({ max, message: t('common.maxLength', { field, max }) });

  return (
    <FormDrawer
      open={requested !== null}
      onClose={onClose}
      title={
        editing ? t('notifications.webhooks.form.editTitle') : t('notifications.webhooks.form.createTitle')
      }
      size={560}
      form={form}
      mutation={mutation}
      submitTestId="webhook-form-submit"
      initialValues={initialValuesFor(mode)}
    >
      <Form.Item
        name="name"
        label={t('notifications.webhooks.name')}
        rules={[
          {
            required: true,
            whitespace: true,
            message: t('common.required', { field: t('notifications.webhooks.name') }),
          },
          maxRule(t('notifications.webhooks.name'), 100),
        ]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="kind" label={t('notifications.webhooks.kind')}>
        <Radio.Group
          optionType="button"
          options={WEBHOOK_KINDS.map((k) => ({ value: k, label: t(`notifications.webhooks.kinds.${k}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="url"
        label={t('notifications.webhooks.url')}
        extra={
          editing && editing.url.includes('****') ? t('notifications.webhooks.form.urlMaskedHint') : undefined
        }
        rules={[
          { required: true, message: t('common.required', { field: t('notifications.webhooks.url') }) },
          { pattern: HTTP_URL, message: t('notifications.webhooks.form.urlInvalid') },
          maxRule(t('notifications.webhooks.url'), 2000),
        ]}
      >
        <Input
          autoComplete="off"
          spellCheck={false}
          placeholder={t(`notifications.webhooks.urlPlaceholder.${kind}`)}
          style={{ fontFamily: 'monospace' }}
        />
      </Form.Item>
      <Form.Item
        name="secret"
        label={t('notifications.webhooks.secret')}
        extra={t(`notifications.webhooks.secretHint.${kind}`)}
        rules={[maxRule(t('notifications.webhooks.secret'), 200)]}
      >
        <Input.Password
          autoComplete="new-password"
          disabled={kind === 'wecom' || clearSecret}
          placeholder={
            editing?.hasSecret ? t('notifications.webhooks.form.secretKeep') : t('common.optional')
          }
        />
      </Form.Item>
      {editing?.hasSecret && kind !== 'wecom' && (
        <Form.Item name="clearSecret" valuePropName="checked" style={{ marginTop: -12 }}>
          <Checkbox>{t('notifications.webhooks.form.clearSecret')}</Checkbox>
        </Form.Item>
      )}
      <Form.Item
        name="unitId"
        label={t('notifications.webhooks.scope')}
        extra={t('notifications.webhooks.form.scopeHint')}
      >
        <UnitTreeSelect allowClear placeholder={t('notifications.webhooks.wholeOrg')} />
      </Form.Item>
      <Form.Item
        name="topics"
        label={t('notifications.webhooks.topics')}
        extra={t('notifications.webhooks.form.topicsHint')}
      >
        <Select
          mode="multiple"
          allowClear
          placeholder={t('notifications.webhooks.allTopics')}
          options={KNOWN_TOPICS.map((topic) => ({ value: topic, label: `${topicLabel(topic)} · ${topic}` }))}
        />
      </Form.Item>
      <Form.Item name="locale" label={t('notifications.webhooks.locale')}>
        <Radio.Group
          optionType="button"
          options={WEBHOOK_LOCALES.map((l) => ({
            value: l,
            label: t(`notifications.webhooks.locales.${l}`),
          }))}
        />
      </Form.Item>
      <Form.Item name="enabled" label={t('notifications.webhooks.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDrawer>
  );
};

/**
 * The form with a fresh form instance each time it opens: a reused instance kept the values of
 * the previous opening (antd merges new initial values under the values still in its store).
 */
const EndpointFormDrawer = ({ mode, onClose }: { mode: FormMode | null; onClose: () => void }) => {
  const [opened, setOpened] = useState(0);
  const [wasOpen, setWasOpen] = useState(false);
  if ((mode !== null) !== wasOpen) {
    setWasOpen(mode !== null);
    if (mode !== null) setOpened(opened + 1);
  }
  return <EndpointForm key={opened} mode={mode} onClose={onClose} />;
};

const DeliveriesDrawer = ({
  endpoint: requested,
  onClose,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const topicLabel = useTopicLabel();
  const endpoint = useSticky(requested);
  const query = useQuery({
    queryKey: notificationKeys.deliveries(endpoint?.id ?? 0),
    queryFn: () => listWebhookDeliveries(endpoint?.id ?? 0),
    enabled: requested !== null,
  });
  const columns: TableColumnsType<WebhookDelivery> = [
    {
      title: t('notifications.webhooks.delivery.time'),
      dataIndex: 'createdAt',
      width: 160,
      render: formatDateTime,
    },
    { title: t('notifications.webhooks.delivery.topic'), dataIndex: 'topic', width: 100, render: topicLabel },
    {
      title: t('notifications.webhooks.delivery.status'),
      dataIndex: 'status',
      width: 90,
      render: (status: DeliveryStatus) => (
        <Tag color={STATUS_COLOR[status]}>{t(`notifications.webhooks.delivery.statuses.${status}`)}</Tag>
      ),
    },
    {
      title: t('notifications.webhooks.delivery.attempts'),
      dataIndex: 'attempts',
      width: 80,
      align: 'right',
    },
    {
      title: t('notifications.webhooks.delivery.statusCode'),
      dataIndex: 'lastStatusCode',
      width: 90,
      render: (code: number | null) => code ?? '—',
    },
    {
      title: t('notifications.webhooks.delivery.error'),
      dataIndex: 'lastError',
      ellipsis: true,
      render: (error: string | null) =>
        error ? (
          <Tooltip title={error}>
            <Typography.Text type="danger">{error}</Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('notifications.webhooks.delivery.key'),
      dataIndex: 'dedupeKey',
      width: 200,
      ellipsis: true,
      render: (key: string) => <Typography.Text code>{key}</Typography.Text>,
    },
  ];
  return (
    <Drawer
      open={requested !== null}
      onClose={onClose}
      title={endpoint ? t('notifications.webhooks.delivery.title', { name: endpoint.name }) : ''}
      size={960}
      destroyOnHidden
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void query.refetch()} loading={query.isFetching}>
          {t('common.refresh')}
        </Button>
      }
      data-testid="webhook-deliveries"
    >
      <Table<WebhookDelivery>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={query.data?.items ?? []}
        loading={query.isFetching}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                query.isError
                  ? `${t('common.loadFailed')}：${errorText(query.error)}`
                  : t('notifications.webhooks.delivery.empty')
              }
            />
          ),
        }}
      />
    </Drawer>
  );
};

export const WebhooksPage = () => {
  const { t, i18n } = useTranslation();
  const topicLabel = useTopicLabel();
  const unitMap = useUnitMap();
  const { message, showError } = useFeedback();
  const [form, setForm] = useState<FormMode | null>(null);
  const [deliveriesOf, setDeliveriesOf] = useState<WebhookEndpoint | null>(null);
  const query = useQuery({ queryKey: notificationKeys.endpoints, queryFn: listWebhookEndpoints });

  const confirmDelete = useConfirmDelete({
    mutationFn: (endpoint: WebhookEndpoint) => deleteWebhookEndpoint(endpoint.id),
    invalidateKey: notificationKeys.endpoints,
    title: (endpoint) => t('notifications.webhooks.deleteTitle', { name: endpoint.name }),
    content: t('notifications.webhooks.deleteText'),
  });

  const test = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) => testWebhookEndpoint(endpoint.id),
    onSuccess: (result) => {
      if (result.ok)
        void message.success(
          t('notifications.webhooks.testOk', { status: result.statusCode ?? '', ms: result.durationMs }),
        );
      else void message.error(t('notifications.webhooks.testFailed', { error: result.error ?? '' }));
    },
    onError: (error) => showError(error),
  });

  const unitName = (unitId: number | null) => {
    if (unitId === null) return t('notifications.webhooks.wholeOrg');
    const unit = unitMap.get(unitId);
    return unit ? unitDisplayName(unit, i18n.language) : `#${unitId}`;
  };

  const columns: TableColumnsType<WebhookEndpoint> = [
    {
      title: t('notifications.webhooks.name'),
      dataIndex: 'name',
      width: 220,
      render: (name: string, e) => (
        <Flex vertical gap={2} align="flex-start">
          <Typography.Text strong type={e.enabled ? undefined : 'secondary'}>
            {name}
          </Typography.Text>
          <Flex gap={4} wrap>
            <Tag style={{ marginInlineEnd: 0 }}>{t(`notifications.webhooks.kinds.${e.kind}`)}</Tag>
            {!e.enabled && <Tag style={{ marginInlineEnd: 0 }}>{t('notifications.webhooks.disabled')}</Tag>}
          </Flex>
        </Flex>
      ),
    },
    {
      title: t('notifications.webhooks.url'),
      dataIndex: 'url',
      ellipsis: true,
      render: (url: string, e) => (
        <Flex gap={6} align="center" style={{ minWidth: 0 }}>
          {e.hasSecret && (
            <Tooltip title={t('notifications.webhooks.signed')}>
              <LockOutlined style={{ color: '#52c41a' }} aria-label={t('notifications.webhooks.signed')} />
            </Tooltip>
          )}
          <Typography.Text style={{ fontFamily: 'monospace', fontSize: 12 }} ellipsis={{ tooltip: url }}>
            {url}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t('notifications.webhooks.scope'), dataIndex: 'unitId', width: 140, render: unitName },
    {
      title: t('notifications.webhooks.topics'),
      dataIndex: 'topics',
      width: 200,
      render: (topics: string[]) =>
        topics.length === 0 ? (
          <Typography.Text type="secondary">{t('notifications.webhooks.allTopics')}</Typography.Text>
        ) : (
          <Flex gap={4} wrap>
            {topics.map((topic) => (
              <Tag key={topic} style={{ marginInlineEnd: 0 }}>
                {topicLabel(topic)}
              </Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t('notifications.webhooks.locale'),
      dataIndex: 'locale',
      width: 90,
      render: (locale: WebhookLocale) => t(`notifications.webhooks.locales.${locale}`),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_v, endpoint) => (
        <Flex gap={2}>
          <Tooltip title={t('notifications.webhooks.test')}>
            <Button
              type="text"
              size="small"
              icon={<SendOutlined />}
              aria-label={t('notifications.webhooks.test')}
              loading={test.isPending && test.variables?.id === endpoint.id}
              onClick={() => test.mutate(endpoint)}
              data-testid="webhook-test"
            />
          </Tooltip>
          <IconAction
            title={t('notifications.webhooks.deliveries')}
            icon={<UnorderedListOutlined />}
            onClick={() => setDeliveriesOf(endpoint)}
            testId="webhook-deliveries-open"
          />
          <Tooltip title={t('common.edit')}>
            <Button
              type="text"
              size="small"
              icon={<EditOutlined />}
              aria-label={t('common.edit')}
              onClick={() => setForm({ type: 'edit', endpoint })}
              data-testid="webhook-edit"
            />
          </Tooltip>
          <IconAction
            title={t('common.delete')}
            icon={<DeleteOutlined />}
            danger
            onClick={() => confirmDelete(endpoint)}
            testId="webhook-delete"
          />
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('notifications.webhooks.title')}
        subtitle={t('notifications.webhooks.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setForm({ type: 'create' })}
            data-testid="webhook-add"
          >
            {t('notifications.webhooks.add')}
          </Button>
        }
      />
      <Card>
        <div data-testid="webhooks-table">
          <Table<WebhookEndpoint>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={query.data?.items ?? []}
            loading={query.isFetching}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{
              emptyText: (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={
                    query.isError ? (
                      `${t('common.loadFailed')}：${errorText(query.error)}`
                    ) : (
                      <>
                        <div>{t('notifications.webhooks.empty')}</div>
                        <div style={{ color: '#8c98a8', fontSize: 12 }}>
                          {t('notifications.webhooks.emptyHint')}
                        </div>
                      </>
                    )
                  }
                />
              ),
            }}
          />
        </div>
      </Card>
      <EndpointFormDrawer mode={form} onClose={() => setForm(null)} />
      <DeliveriesDrawer endpoint={deliveriesOf} onClose={() => setDeliveriesOf(null)} />
    </>
  );
};
