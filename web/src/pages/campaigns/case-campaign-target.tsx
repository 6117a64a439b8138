import { HomeOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { campaignKeys, getCaseCampaignTarget } from '../../api/campaigns';
import { CaseStatusTag } from '../../components/case-status-tag';
import { VisitModal } from './campaign-targets';
import type { TargetRef } from './campaign-targets';

/**
 * On a follow-up (or visit) case: the campaign target behind it — the list's data, the campaign,
 * the visit — and 转上门走访 when the target was unreachable. Nothing for a case of no campaign.
 */
export const CaseCampaignTargetPanel = ({ caseId }: { caseId: number }) => {
  const { t } = useTranslation();
  const [visitFor, setVisitFor] = useState<TargetRef | null>(null);
  const query = useQuery({
    queryKey: campaignKeys.ofCase(caseId),
    queryFn: () => getCaseCampaignTarget(caseId),
    // 404: the case belongs to no campaign; asking again will not change that.
    retry: (count, error) => !(isApiError(error) && error.status < 500) && count < 2,
  });
  if (!query.data) return null;
  const target = query.data;
  const text = (v: string | number | boolean | null) =>
    v === null || v === ''
      ? '—'
      : typeof v === 'boolean'
        ? v
          ? t('common.yes')
          : t('common.no')
        : String(v);
  return (
    <Card
      size="small"
      title={t('campaigns.ofCase.title')}
      data-testid="case-campaign-target"
      extra={
        target.canEscalate ? (
          <Button
            size="small"
            icon={<HomeOutlined />}
            onClick={() => setVisitFor({ campaignKey: target.campaign.key, externalKey: target.externalKey })}
            data-testid="case-campaign-visit"
          >
            {t('campaigns.visit.button')}
          </Button>
        ) : null
      }
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'campaign',
            label: t('campaigns.ofCase.campaign'),
            children: (
              <Link to={`/campaigns/${encodeURIComponent(target.campaign.key)}`}>{target.campaign.name}</Link>
            ),
          },
          {
            key: 'target',
            label: t('campaigns.targets.externalKey'),
            children: (
              <span>
                {target.externalKey}{' '}
                <Typography.Text type="secondary">
                  {t('campaigns.ofCase.row', { row: target.row })}
                </Typography.Text>
              </span>
            ),
          },
          ...target.fields.map((f) => ({ key: `f-${f.key}`, label: f.label, children: text(f.value) })),
          ...(target.followUp.caseId !== caseId
            ? [
                {
                  key: 'followUp',
                  label: t('campaigns.ofCase.followUp'),
                  children: (
                    <span>
                      <Link to={`/cases/${target.followUp.caseId}`}>#{target.followUp.caseId}</Link>{' '}
                      <CaseStatusTag status={target.followUp.status} /> {target.followUp.reasonName ?? ''}
                    </span>
                  ),
                },
              ]
            : []),
          ...(target.visit && target.visit.caseId !== caseId
            ? [
                {
                  key: 'visit',
                  label: t('campaigns.targets.visit'),
                  children: (
                    <span>
                      <Link to={`/cases/${target.visit.caseId}`}>#{target.visit.caseId}</Link>{' '}
                      <CaseStatusTag status={target.visit.status} /> {target.visit.assignee?.name ?? ''}
                    </span>
                  ),
                },
              ]
            : []),
        ]}
      />
      <VisitModal target={visitFor} onClose={() => setVisitFor(null)} />
    </Card>
  );
};
