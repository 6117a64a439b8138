import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Result, Tooltip, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { campaignKeys, getCampaign, getCampaignFigures } from '../../api/campaigns';
import { findNode, localName } from '../../api/cases';
import { PageHeader } from '../../components/page-header';
import { PageLoading } from '../../components/page-loading';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { useCaseTypes } from '../cases/case-hooks';
import { CampaignFiguresPanel } from './campaign-figures';
import { CampaignTargets } from './campaign-targets';
import { useRuleText } from './campaigns-page';

/**
 * 派单详情 (/campaigns/:key): what was dispatched, the figures of the follow-ups (read from the
 * cases, never typed in), and the targets, each with its follow-up case (where the outcome is
 * recorded) and, for an unreachable one, the visit it may be escalated to.
 */
export const CampaignPage = () => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const key = useParams()['key'] ?? '';
  const { byKey } = useCaseTypes();
  const ruleText = useRuleText();
  const query = useQuery({
    queryKey: campaignKeys.detail(key),
    queryFn: () => getCampaign(key),
    enabled: key !== '',
  });
  const figures = useQuery({
    queryKey: campaignKeys.figures(key),
    queryFn: () => getCampaignFigures(key),
    enabled: query.isSuccess,
    // Managers record outcomes while the page stays open.
    refetchInterval: 60_000,
  });

  const back = (
    <Button key="back" icon={<ArrowLeftOutlined />} onClick={() => void navigate('/campaigns')}>
      {t('campaigns.back')}
    </Button>
  );
  if (key === '' || (query.isError && isApiError(query.error) && query.error.status === 404))
    return <Result status="404" title={t('campaigns.notFound')} extra={back} />;
  if (query.isPending) return <PageLoading />;
  if (query.isError)
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

  const campaign = query.data;
  const type = byKey.get(campaign.caseType);
  const visitType = campaign.visitCaseType ? byKey.get(campaign.visitCaseType) : undefined;
  const category = campaign.category
    ? findNode(type?.definition.categories ?? [], campaign.category)
    : undefined;

  return (
    <>
      <PageHeader
        title={
          <span data-testid="campaign-title">
            {localName({ name: campaign.name, nameEn: campaign.nameEn }, lang)}
          </span>
        }
        subtitle={campaign.key}
        extra={
          <>
            {back}
            <Tooltip title={t('common.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                aria-label={t('common.refresh')}
                loading={query.isFetching || figures.isFetching}
                onClick={() => {
                  void query.refetch();
                  void figures.refetch();
                }}
                data-testid="campaign-refresh"
              />
            </Tooltip>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }} data-testid="campaign-facts">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, xl: 3 }}
          items={[
            {
              key: 'type',
              label: t('campaigns.field.caseType'),
              children: type ? localName(type, lang) : campaign.caseType,
            },
            { key: 'unit', label: t('campaigns.field.unit'), children: campaign.unit.name },
            { key: 'period', label: t('campaigns.field.period'), children: campaign.period },
            {
              key: 'category',
              label: t('campaigns.field.category'),
              children: category ? localName(category, lang) : (campaign.category ?? t('campaigns.byRow')),
            },
            { key: 'rule', label: t('campaigns.field.rule'), children: ruleText(campaign.rule) },
            {
              key: 'targets',
              label: t('campaigns.field.targetCount'),
              children: <span data-testid="campaign-target-count">{campaign.targetCount}</span>,
            },
            {
              key: 'visit',
              label: t('campaigns.field.visitCaseType'),
              children: visitType
                ? localName(visitType, lang)
                : (campaign.visitCaseType ?? <Typography.Text type="secondary">—</Typography.Text>),
            },
            { key: 'createdAt', label: t('common.createdAt'), children: formatDateTime(campaign.createdAt) },
          ]}
        />
      </Card>
      <CampaignFiguresPanel query={figures} />
      <CampaignTargets campaign={campaign} type={type} />
    </>
  );
};
