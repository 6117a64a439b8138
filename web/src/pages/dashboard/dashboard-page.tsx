import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Result, Row, Select, Skeleton, Tooltip } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { getDashboard, indicatorKeys } from '../../api/indicators';
import { PageHeader } from '../../components/page-header';
import { errorText } from '../../lib/api-errors';
import { AlertsPanel, OverduePanel, RankingPanel } from './dashboard-panels';
import { IndicatorCard } from './indicator-card';

/**
 * 首页 (/): what a manager sees on login, for one of his units (his top unit unless he switches):
 * the indicators as cards (what is in the red first), the control-chart alerts, the overdue cases
 * behind the figures and the ranking of the units under his. The unit is kept in the URL
 * (`?unitId=`), so the back button from a drill-down returns to the same unit.
 */
export const DashboardPage = () => {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('unitId'));
  const unitId = Number.isInteger(asked) && asked > 0 ? asked : undefined;
  const query = useQuery({
    queryKey: indicatorKeys.dashboard(unitId),
    queryFn: () => getDashboard(unitId),
    placeholderData: keepPreviousData,
    // Overdue cases and recomputed values move while the page stays open.
    refetchInterval: 5 * 60_000,
  });

  const dashboard = query.data;
  const unit = dashboard?.unit ?? null;
  const switcher =
    dashboard && dashboard.units.length > 1 && unit ? (
      <Select
        key="unit"
        value={unit.id}
        style={{ minWidth: 200 }}
        options={dashboard.units.map((u) => ({ value: u.id, label: u.name }))}
        onChange={(id: number) => setParams(id === dashboard.units[0]?.id ? {} : { unitId: String(id) })}
        aria-label={t('indicators.dashboard.unit')}
        data-testid="dashboard-unit"
        showSearch={{ optionFilterProp: 'label' }}
      />
    ) : null;

  const header = (
    <PageHeader
      title={t('indicators.dashboard.title')}
      subtitle={unit ? t('indicators.dashboard.subtitle', { unit: unit.name }) : undefined}
      extra={
        <>
          {switcher}
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('common.refresh')}
              loading={query.isFetching}
              onClick={() => void query.refetch()}
              data-testid="dashboard-refresh"
            />
          </Tooltip>
        </>
      }
    />
  );

  if (query.isError && !dashboard)
    return (
      <>
        {header}
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(query.error)} />
      </>
    );
  if (!dashboard)
    return (
      <>
        {header}
        <Skeleton active paragraph={{ rows: 8 }} />
      </>
    );
  if (!unit)
    return (
      <>
        {header}
        <Result status="info" title={t('indicators.dashboard.noUnit')} />
      </>
    );

  const ranked = dashboard.ranking
    ? dashboard.cards.find((c) => c.key === dashboard.ranking!.indicator)
    : undefined;
  return (
    <div data-testid="dashboard" data-unit-id={unit.id}>
      {header}
      {query.isError && (
        <Alert
          type="warning"
          showIcon
          title={t('common.loadFailed')}
          description={errorText(query.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      {dashboard.cards.length === 0 ? (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indicators.dashboard.noCards')} />
        </Card>
      ) : (
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="dashboard-cards">
          {dashboard.cards.map((card) => (
            <Col key={card.key} xs={24} sm={12} lg={8} xxl={6}>
              <IndicatorCard card={card} unitId={unit.id} />
            </Col>
          ))}
        </Row>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Row gutter={[16, 16]}>
            {dashboard.ranking && (
              <Col span={24}>
                <RankingPanel ranking={dashboard.ranking} card={ranked} />
              </Col>
            )}
            <Col span={24}>
              <AlertsPanel alerts={dashboard.alerts} />
            </Col>
          </Row>
        </Col>
        <Col xs={24} xl={10}>
          <OverduePanel overdue={dashboard.overdue} unitId={unit.id} />
        </Col>
      </Row>
    </div>
  );
};
