import { HomeOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { campaignKeys, escalateToVisit, listCampaignTargets } from '../../api/campaigns';
import type {
  Campaign,
  CampaignTargetItem,
  TargetContact,
  TargetStatus,
  TargetsQuery,
} from '../../api/campaigns';
import { findNode, localName } from '../../api/cases';
import type { CaseType } from '../../api/cases';
import { CaseUserSelect } from '../../components/case-pickers';
import { CaseStatusTag } from '../../components/case-status-tag';
import { SearchInput } from '../../components/search-input';
import { applyFormErrors, errorText } from '../../lib/api-errors';
import { blankToNull } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { useSticky } from '../../lib/use-sticky';
import { useCaseCan } from '../cases/case-hooks';

/** The reason root of an unreachable follow-up (联系不上), as campaigns.service.ts names it. */
const UNREACHABLE = 'unreachable';

const isUnreachable = (type: CaseType | undefined, code: string | null): boolean => {
  if (!code) return false;
  const node = type ? findNode(type.definition.reasons, code) : undefined;
  const root = node ? (node.path[0] ?? node.key) : code.split('.')[0];
  return root === UNREACHABLE;
};

type VisitValues = { assigneeUserId?: number | null; note?: string };

/** A target of a campaign, by keys. */
export type TargetRef = { campaignKey: string; externalKey: string };

/** 转上门走访: a visit case for an unreachable target, to someone or to the follow-up's assignee. */
export const VisitModal = ({
  target: requested,
  onClose,
}: {
  target: TargetRef | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const target = useSticky(requested);
  const [form] = Form.useForm<VisitValues>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const mutation = useMutation({
    mutationFn: (v: VisitValues) => {
      if (!target) throw new Error('no target');
      const note = blankToNull(v.note);
      return escalateToVisit(target.campaignKey, target.externalKey, {
        ...(v.assigneeUserId ? { assigneeUserId: v.assigneeUserId } : {}),
        ...(note ? { note } : {}),
      });
    },
    onSuccess: ({ caseId }) => {
      void message.success(t('campaigns.visit.done', { id: caseId }));
      if (target) void queryClient.invalidateQueries({ queryKey: campaignKeys.detail(target.campaignKey) });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      onClose();
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });
  return (
    <Modal
      open={requested !== null}
      title={target ? t('campaigns.visit.title', { key: target.externalKey }) : ''}
      onCancel={onClose}
      destroyOnHidden
      okText={t('campaigns.visit.submit')}
      okButtonProps={{ loading: mutation.isPending, ...{ 'data-testid': 'campaign-visit-submit' } }}
      onOk={() => form.submit()}
    >
      <Typography.Paragraph type="secondary">{t('campaigns.visit.hint')}</Typography.Paragraph>
      <Form<VisitValues> form={form} layout="vertical" preserve={false} onFinish={(v) => mutation.mutate(v)}>
        <Form.Item
          name="assigneeUserId"
          label={t('campaigns.visit.assignee')}
          extra={t('campaigns.visit.assigneeHint')}
        >
          <CaseUserSelect data-testid="campaign-visit-assignee" />
        </Form.Item>
        <Form.Item name="note" label={t('campaigns.visit.note')} rules={[{ max: 2000 }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid="campaign-visit-note" />
        </Form.Item>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
};

/** The targets of a campaign, page by page, filtered by state and contact, each with its follow-up. */
export const CampaignTargets = ({ campaign, type }: { campaign: Campaign; type: CaseType | undefined }) => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const can = useCaseCan();
  const canVisit = campaign.visitCaseType !== null && can('cases.write');
  const [status, setStatus] = useState<TargetStatus | undefined>(undefined);
  const [contact, setContact] = useState<TargetContact | undefined>(undefined);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [visitFor, setVisitFor] = useState<TargetRef | null>(null);

  const params: TargetsQuery = {
    page,
    pageSize,
    ...(status ? { status } : {}),
    ...(contact ? { contact } : {}),
    ...(q ? { q } : {}),
  };
  const query = useQuery({
    queryKey: campaignKeys.targets(campaign.key, params),
    queryFn: () => listCampaignTargets(campaign.key, params),
    placeholderData: keepPreviousData,
  });

  // The list's own columns: the case type's fields present in the data, in definition order.
  const fieldDefs = type?.definition.fields ?? [];
  const present = new Set((query.data?.items ?? []).flatMap((i) => Object.keys(i.data)));
  const dataColumns = fieldDefs.filter((f) => present.has(f.key)).slice(0, 4);

  const columns: TableColumnsType<CampaignTargetItem> = [
    { title: t('campaigns.targets.row'), dataIndex: 'row', width: 60 },
    {
      title: t('campaigns.targets.externalKey'),
      dataIndex: 'externalKey',
      width: 140,
      fixed: 'left',
      render: (key: string) => <Typography.Text copyable={{ text: key }}>{key}</Typography.Text>,
    },
    {
      title: t('campaigns.targets.case'),
      key: 'case',
      width: 240,
      render: (_v, item) => (
        <Link to={`/cases/${item.case.id}`} data-testid="campaign-target-case">
          #{item.case.id} {item.case.title}
        </Link>
      ),
    },
    {
      title: t('campaigns.targets.category'),
      key: 'category',
      width: 80,
      render: (_v, i) => i.case.categoryName,
    },
    { title: t('campaigns.targets.unit'), key: 'unit', width: 120, render: (_v, i) => i.case.unit.name },
    {
      title: t('campaigns.targets.assignee'),
      key: 'assignee',
      width: 100,
      render: (_v, i) =>
        i.case.assignee?.name ?? (
          <Typography.Text type="secondary">{t('campaigns.unassigned')}</Typography.Text>
        ),
    },
    {
      title: t('common.status'),
      key: 'status',
      width: 100,
      render: (_v, i) => <CaseStatusTag status={i.case.status} />,
    },
    {
      title: t('campaigns.targets.reason'),
      key: 'reason',
      width: 140,
      render: (_v, i) =>
        i.reasonCode ? (
          <Tag color={isUnreachable(type, i.reasonCode) ? 'orange' : 'blue'}>
            {i.reasonName ?? i.reasonCode}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t('campaigns.targets.noFeedback')}</Typography.Text>
        ),
    },
    {
      title: t('campaigns.targets.reactivated'),
      dataIndex: 'reactivated',
      width: 80,
      render: (v: boolean | null) =>
        v === null ? '—' : v ? <Tag color="green">{t('common.yes')}</Tag> : t('common.no'),
    },
    ...dataColumns.map((f) => ({
      title: localName({ name: f.label, nameEn: f.labelEn }, lang),
      key: `data-${f.key}`,
      width: 110,
      ellipsis: true,
      render: (_v: unknown, i: CampaignTargetItem) => {
        const value = i.data[f.key];
        return value === null || value === undefined
          ? '—'
          : typeof value === 'boolean'
            ? value
              ? t('common.yes')
              : t('common.no')
            : String(value);
      },
    })),
    ...(campaign.visitCaseType !== null
      ? [
          {
            title: t('campaigns.targets.visit'),
            key: 'visit',
            width: 150,
            fixed: 'right' as const,
            render: (_v: unknown, i: CampaignTargetItem) =>
              i.visit ? (
                <Flex vertical gap={2}>
                  <Link to={`/cases/${i.visit.caseId}`} data-testid="campaign-target-visit-link">
                    #{i.visit.caseId}
                  </Link>
                  <span>
                    <CaseStatusTag status={i.visit.status} />
                    {i.visit.assignee && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {i.visit.assignee.name}
                      </Typography.Text>
                    )}
                  </span>
                </Flex>
              ) : canVisit && isUnreachable(type, i.reasonCode) ? (
                <Button
                  size="small"
                  icon={<HomeOutlined />}
                  onClick={() => setVisitFor({ campaignKey: campaign.key, externalKey: i.externalKey })}
                  data-testid="campaign-target-visit"
                >
                  {t('campaigns.visit.button')}
                </Button>
              ) : (
                '—'
              ),
          },
        ]
      : []),
  ];

  return (
    <Card size="small" title={t('campaigns.targets.title')} data-testid="campaign-targets">
      <Flex align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Select<TargetStatus>
          allowClear
          placeholder={t('campaigns.targets.allStatus')}
          style={{ width: 140 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={(['open', 'closed'] as const).map((s) => ({
            value: s,
            label: t(`campaigns.targets.status.${s}`),
          }))}
          data-testid="campaign-targets-status"
        />
        <Select<TargetContact>
          allowClear
          placeholder={t('campaigns.targets.allContact')}
          style={{ width: 160 }}
          value={contact}
          onChange={(v) => {
            setContact(v);
            setPage(1);
          }}
          options={(['reached', 'unreachable', 'none'] as const).map((c) => ({
            value: c,
            label: t(`campaigns.targets.contact.${c}`),
          }))}
          data-testid="campaign-targets-contact"
        />
        <SearchInput
          placeholder={t('campaigns.targets.search')}
          style={{ width: 280 }}
          value={search}
          onValueChange={setSearch}
          onCommit={(next) => {
            setQ(next);
            setPage(1);
          }}
          data-testid="campaign-targets-search"
        />
      </Flex>
      <Table<CampaignTargetItem>
        rowKey="externalKey"
        size="small"
        columns={columns}
        dataSource={query.data?.items ?? []}
        loading={query.isFetching}
        scroll={{ x: 'max-content' }}
        data-testid="campaign-targets-table"
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                query.isError
                  ? `${t('common.loadFailed')}：${errorText(query.error)}`
                  : t('campaigns.targets.empty')
              }
            />
          ),
        }}
        pagination={{
          current: page,
          pageSize,
          total: query.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (total) => t('common.total', { total }),
          onChange: (nextPage, nextSize) => {
            if (nextSize !== pageSize) {
              setPageSize(nextSize);
              setPage(1);
            } else setPage(nextPage);
          },
        }}
      />
      <VisitModal target={visitFor} onClose={() => setVisitFor(null)} />
    </Card>
  );
};
