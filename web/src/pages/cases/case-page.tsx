import { ArrowLeftOutlined, EditOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Flex, Result, Row, Tag, Tooltip, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { CASE_ACTIONS, caseKeys, getCase, isOpenStatus, localName } from '../../api/cases';
import type { Case, CaseAction, CaseType, FieldDefinition } from '../../api/cases';
import { useNow } from '../../components/case-clock';
import { CaseStatusTag } from '../../components/case-status-tag';
import { PageHeader } from '../../components/page-header';
import { PageLoading } from '../../components/page-loading';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { CaseCampaignTargetPanel } from '../campaigns/case-campaign-target';
import { CaseActionModal, actionLabelKey } from './case-action-modal';
import { CaseAttachments } from './case-attachments';
import { CaseCallbacksPanel } from './case-callbacks-panel';
import { CaseClocksPanel } from './case-clocks-panel';
import { priorityColor, useCaseCan, useCaseTypes } from './case-hooks';
import { CaseReclassifyModal } from './case-reclassify-modal';
import { CaseTimeline } from './case-timeline';

/** The step that moves the case on, shown as the primary button (the others are plain). */
const FORWARD: readonly CaseAction[] = ['accept', 'start', 'resolve', 'close', 'assign', 'resume'];

const dash = <Typography.Text type="secondary">—</Typography.Text>;

/** A custom field's stored value in words: yes / no, the option's label, the text as it is. */
const fieldText = (
  value: unknown,
  options: { value: string; label: string; labelEn?: string }[] | undefined,
  lang: string,
  yes: string,
  no: string,
) => {
  if (value === null || value === undefined || value === '') return dash;
  if (typeof value === 'boolean') return value ? yes : no;
  if (options && typeof value === 'string') {
    const option = options.find((o) => o.value === value);
    if (option) return localName({ name: option.label, nameEn: option.labelEn }, lang);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

const CaseDetails = ({ caseItem, type }: { caseItem: Case; type: CaseType | undefined }) => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  // Fields in the order the type defines them; values of fields no longer defined follow.
  const itemsOf = (
    prefix: string,
    defined: readonly FieldDefinition[],
    values: Record<string, unknown>,
  ): NonNullable<DescriptionsProps['items']> => [
    ...defined
      .filter((f) => f.key in values)
      .map((f) => ({
        key: `${prefix}-${f.key}`,
        label: localName({ name: f.label, nameEn: f.labelEn }, lang),
        children: fieldText(values[f.key], f.options, lang, t('common.yes'), t('common.no')),
      })),
    ...Object.keys(values)
      .filter((k) => !defined.some((f) => f.key === k))
      .map((k) => ({
        key: `${prefix}-${k}`,
        label: k,
        children: fieldText(values[k], undefined, lang, t('common.yes'), t('common.no')),
      })),
  ];
  const items: DescriptionsProps['items'] = [
    { key: 'type', label: t('cases.field.type'), children: localName(caseItem.caseType, lang) },
    { key: 'category', label: t('cases.field.category'), children: caseItem.categoryName },
    {
      key: 'priority',
      label: t('cases.field.priority'),
      children: (
        <Tag color={priorityColor(type, caseItem.priorityKey)} style={{ marginInlineEnd: 0 }}>
          {caseItem.priorityName}
        </Tag>
      ),
    },
    { key: 'unit', label: t('cases.field.unit'), children: caseItem.unit.name },
    {
      key: 'assignee',
      label: t('cases.field.assignee'),
      children: caseItem.assignee ? (
        <span data-testid="case-assignee">{caseItem.assignee.name}</span>
      ) : (
        <Typography.Text type="secondary" data-testid="case-assignee">
          {t('cases.list.unassigned')}
        </Typography.Text>
      ),
    },
    { key: 'customer', label: t('cases.field.customer'), children: caseItem.customer?.name ?? dash },
    { key: 'registrant', label: t('cases.field.registrant'), children: caseItem.registrant?.name ?? dash },
    { key: 'createdAt', label: t('cases.field.createdAt'), children: formatDateTime(caseItem.createdAt) },
    ...(caseItem.externalKey
      ? [{ key: 'externalKey', label: t('cases.field.externalKey'), children: caseItem.externalKey }]
      : []),
    ...(caseItem.resolvedAt
      ? [
          {
            key: 'resolvedAt',
            label: t('cases.field.resolvedAt'),
            children: formatDateTime(caseItem.resolvedAt),
          },
        ]
      : []),
    ...(caseItem.closedAt
      ? [{ key: 'closedAt', label: t('cases.field.closedAt'), children: formatDateTime(caseItem.closedAt) }]
      : []),
    ...(caseItem.reopenCount > 0
      ? [{ key: 'reopenCount', label: t('cases.field.reopenCount'), children: caseItem.reopenCount }]
      : []),
    ...(caseItem.repeatOfCaseId !== null
      ? [
          {
            key: 'repeatOf',
            label: t('cases.list.repeat'),
            children: (
              <Link to={`/cases/${caseItem.repeatOfCaseId}`}>
                {t('cases.detail.repeatOf')} #{caseItem.repeatOfCaseId}
              </Link>
            ),
          },
        ]
      : []),
    ...(caseItem.reasonCode
      ? [
          {
            key: 'reason',
            label: t('cases.field.reason'),
            children: caseItem.reasonName ?? caseItem.reasonCode,
          },
        ]
      : []),
    ...(caseItem.feedback
      ? [
          {
            key: 'feedback',
            label: t('cases.field.feedback'),
            span: 'filled' as const,
            children: <span style={{ whiteSpace: 'pre-wrap' }}>{caseItem.feedback}</span>,
          },
        ]
      : []),
    ...itemsOf('outcome', type?.definition.closing.outcomeFields ?? [], caseItem.outcome ?? {}),
    {
      key: 'description',
      label: t('cases.field.description'),
      span: 'filled' as const,
      children: caseItem.description ? (
        <span style={{ whiteSpace: 'pre-wrap' }}>{caseItem.description}</span>
      ) : (
        dash
      ),
    },
  ];

  const fieldItems = itemsOf('field', type?.definition.fields ?? [], caseItem.fields);

  return (
    <Card size="small" title={t('cases.detail.info')} data-testid="case-details">
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={items} />
      {fieldItems.length > 0 && (
        <Descriptions
          size="small"
          title={t('cases.detail.customFields')}
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={fieldItems}
          style={{ marginTop: 12 }}
        />
      )}
    </Card>
  );
};

/** 工单详情 (/cases/:id): the case, what may be done with it now, its clocks, callbacks, history and files. */
export const CasePage = () => {
  const { t, i18n } = useTranslation();
  const params = useParams();
  const navigate = useNavigate();
  const caseId = Number(params['id']);
  const valid = Number.isInteger(caseId) && caseId > 0;
  const can = useCaseCan();
  const now = useNow(30_000);
  const { byKey } = useCaseTypes();
  const [action, setAction] = useState<CaseAction | null>(null);
  const [reclassifyOpen, setReclassifyOpen] = useState(false);
  const query = useQuery({
    queryKey: caseKeys.detail(caseId),
    queryFn: () => getCase(caseId),
    enabled: valid,
    // Clocks move on (and others act on the case) while the page stays open.
    refetchInterval: 60_000,
  });

  const back = (
    <Button key="back" icon={<ArrowLeftOutlined />} onClick={() => navigate('/cases')}>
      {t('cases.detail.back')}
    </Button>
  );

  if (!valid || (query.isError && isApiError(query.error) && query.error.status === 404)) {
    return <Result status="404" title={t('cases.detail.notFound')} extra={back} />;
  }
  if (query.isPending) return <PageLoading />;
  if (query.isError) {
    return (
      <Result
        status="warning"
        title={t('common.loadFailed')}
        subTitle={errorText(query.error)}
        extra={[
          back,
          <Button key="retry" type="primary" onClick={() => void query.refetch()}>
            {t('common.retry')}
          </Button>,
        ]}
      />
    );
  }

  const caseItem = query.data;
  const type = byKey.get(caseItem.caseType.key);
  const actions = CASE_ACTIONS.filter((a) => caseItem.actions.includes(a));
  const primary = FORWARD.find((a) => actions.includes(a));
  const canReclassify = can('cases.dispatch') && isOpenStatus(caseItem.status);

  return (
    <>
      <PageHeader
        title={
          <Flex align="center" gap={10} wrap>
            <Typography.Text type="secondary" style={{ fontSize: 'inherit', fontWeight: 400 }}>
              #{caseItem.id}
            </Typography.Text>
            <span data-testid="case-title">{caseItem.title}</span>
            <CaseStatusTag status={caseItem.status} />
          </Flex>
        }
        subtitle={[
          localName(caseItem.caseType, i18n.language),
          caseItem.categoryName,
          caseItem.priorityName,
          caseItem.unit.name,
        ]
          .filter(Boolean)
          .join(' · ')}
        extra={
          <>
            {back}
            <Tooltip title={t('cases.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                aria-label={t('cases.refresh')}
                loading={query.isFetching}
                onClick={() => void query.refetch()}
              />
            </Tooltip>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }} data-testid="case-actions">
        <Flex align="center" gap={8} wrap>
          {actions.length === 0 && !canReclassify && (
            <Typography.Text type="secondary">{t('cases.detail.noActions')}</Typography.Text>
          )}
          {actions.map((a) => (
            <Button
              key={a}
              type={a === primary ? 'primary' : 'default'}
              danger={a === 'cancel'}
              onClick={() => setAction(a)}
              data-testid={`case-action-${a}`}
            >
              {t(actionLabelKey(a, caseItem))}
            </Button>
          ))}
          {canReclassify && (
            <Button
              type="dashed"
              icon={<EditOutlined />}
              onClick={() => setReclassifyOpen(true)}
              data-testid="case-reclassify"
            >
              {t('cases.reclassify.button')}
            </Button>
          )}
        </Flex>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Flex vertical gap={16}>
            <CaseDetails caseItem={caseItem} type={type} />
            <CaseTimeline caseItem={caseItem} type={type} canComment={can('cases.write')} />
          </Flex>
        </Col>
        <Col xs={24} xl={8}>
          <Flex vertical gap={16}>
            <CaseCampaignTargetPanel caseId={caseItem.id} />
            <CaseClocksPanel clocks={caseItem.clocks} now={now} />
            <CaseCallbacksPanel caseItem={caseItem} type={type} />
            <CaseAttachments caseId={caseItem.id} canUpload={can('cases.write')} />
          </Flex>
        </Col>
      </Row>
      <CaseActionModal caseItem={caseItem} type={type} action={action} onClose={() => setAction(null)} />
      <CaseReclassifyModal
        caseItem={caseItem}
        type={type}
        open={reclassifyOpen}
        onClose={() => setReclassifyOpen(false)}
      />
    </>
  );
};
