import {
  ArrowLeftOutlined,
  ArrowUpOutlined,
  EditOutlined,
  ReloadOutlined,
  SolutionOutlined,
} from '@ant-design/icons';
import { Button, Card, Descriptions, Result, Tag, Tooltip } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { localName } from '../../api/cases';
import { useCan } from '../../auth/session-context';
import { getIndicator, getIndicatorRanking, indicatorKeys, listIndicatorValues } from '../../api/indicators';
import type { IndicatorValue } from '../../api/indicators';
import { PageHeader } from '../../components/page-header';
import { PageLoading } from '../../components/page-loading';
import { errorText } from '../../lib/api-errors';
import { useUnits } from '../../lib/use-units';
import { IndicatorChildren, ValueHistoryDrawer } from './indicator-children';
import type { HistoryTarget } from './indicator-children';
import { IndicatorEntryDrawer } from './indicator-entry-drawer';
import {
  STATUS_TAG,
  casesLinkOf,
  indicatorPath,
  useIndicatorFormat,
  usePeriodText,
} from './indicator-format';
import { IndicatorTrend } from './indicator-trend';

/**
 * 指标详情 (/indicators/:key?unitId=): one indicator for one unit — its last 12 periods against the
 * target, the units right under it for the latest period (ranked, each a way further down), the
 * cases behind a figure computed from cases, and the history of any value. Without `unitId`, the
 * caller's top unit.
 */
export const IndicatorPage = () => {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const key = useParams()['key'] ?? '';
  const [params] = useSearchParams();
  const asked = Number(params.get('unitId'));
  const { data: units } = useUnits();
  const { measureText, sourceText, targetText, format } = useIndicatorFormat();
  const periodText = usePeriodText();
  const canLoad = useCan('indicators.load');
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const [entering, setEntering] = useState(false);

  const byId = useMemo(() => new Map((units ?? []).map((u) => [u.id, u])), [units]);
  const top = (units ?? []).find((u) => u.parentId === null || !byId.has(u.parentId));
  const unitId = Number.isInteger(asked) && asked > 0 ? asked : top?.id;
  const unit = unitId !== undefined ? byId.get(unitId) : undefined;
  const parent = unit?.parentId != null ? byId.get(unit.parentId) : undefined;

  const indicator = useQuery({
    queryKey: indicatorKeys.detail(key),
    queryFn: () => getIndicator(key),
    enabled: key !== '',
  });
  const valuesQuery = { unitId, units: 'unit' as const };
  const values = useQuery({
    queryKey: indicatorKeys.values(key, valuesQuery),
    queryFn: () => listIndicatorValues(key, valuesQuery),
    enabled: indicator.isSuccess && unitId !== undefined,
  });
  const series = values.data?.filter((r) => r.unitId === unitId);
  const latest = series ? [...series].reverse().find((r) => r.value !== null) : undefined;
  const rankingQuery = { parentUnitId: unitId, period: latest?.period };
  const ranking = useQuery({
    queryKey: indicatorKeys.ranking(key, rankingQuery),
    queryFn: () => getIndicatorRanking(key, rankingQuery),
    // Waits for the unit's series, so the children are shown for the unit's own latest period.
    enabled: indicator.isSuccess && unitId !== undefined && values.isSuccess,
  });

  const back = (
    <Button
      key="back"
      icon={<ArrowLeftOutlined />}
      onClick={() => void navigate(unitId !== undefined ? `/?unitId=${unitId}` : '/')}
      data-testid="indicator-back"
    >
      {t('indicators.back')}
    </Button>
  );
  if (key === '' || (indicator.isError && isApiError(indicator.error) && indicator.error.status === 404))
    return <Result status="404" title={t('indicators.notFound')} extra={back} />;
  if (indicator.isPending) return <PageLoading />;
  if (indicator.isError)
    return (
      <Result
        status="warning"
        title={t('common.loadFailed')}
        subTitle={errorText(indicator.error)}
        extra={[
          back,
          <Button key="retry" type="primary" onClick={() => void indicator.refetch()}>
            {t('common.retry')}
          </Button>,
        ]}
      />
    );

  const def = indicator.data.definition;
  const cases = casesLinkOf(def, unitId);
  const openHistory = (row: IndicatorValue) =>
    setHistory({
      unitId: row.unitId,
      unitName: row.unitName,
      period: row.period,
      label: periodText(def.grain, row.period),
    });
  const loaded = def.source.kind === 'loaded';

  return (
    <div data-testid="indicator-page" data-unit-id={unitId ?? ''}>
      <PageHeader
        title={<span data-testid="indicator-title">{localName(def, i18n.language)}</span>}
        subtitle={
          <>
            <span data-testid="indicator-unit">{unit?.name ?? latest?.unitName ?? ''}</span>
            {latest && (
              <>
                {' · '}
                {periodText(def.grain, latest.period)}{' '}
                <span data-testid="indicator-latest-value">{format(def.measure, latest.value)}</span>{' '}
                {latest.status && (
                  <Tag color={STATUS_TAG[latest.status]} data-testid="indicator-latest-status">
                    {t(`indicators.status.${latest.status}`)}
                  </Tag>
                )}
              </>
            )}
          </>
        }
        extra={
          <>
            {back}
            {parent && (
              <Button
                icon={<ArrowUpOutlined />}
                onClick={() => void navigate(indicatorPath(key, parent.id))}
                data-testid="indicator-up"
              >
                {parent.name}
              </Button>
            )}
            {loaded && canLoad && (
              <Button
                icon={<EditOutlined />}
                type="primary"
                onClick={() => setEntering(true)}
                data-testid="indicator-entry-open"
              >
                {t('indicators.entry.open')}
              </Button>
            )}
            {cases && (
              <Button
                icon={<SolutionOutlined />}
                type="primary"
                onClick={() => void navigate(cases.to)}
                data-testid="indicator-cases-link"
              >
                {cases.overdue ? t('indicators.page.viewOverdue') : t('indicators.page.viewCases')}
              </Button>
            )}
            <Tooltip title={t('common.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                aria-label={t('common.refresh')}
                loading={values.isFetching || ranking.isFetching}
                onClick={() => {
                  void values.refetch();
                  void ranking.refetch();
                }}
              />
            </Tooltip>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }} data-testid="indicator-facts">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, xl: 3 }}
          items={[
            { key: 'key', label: t('indicators.field.key'), children: def.key },
            { key: 'measure', label: t('indicators.field.measure'), children: measureText(def.measure) },
            {
              key: 'direction',
              label: t('indicators.field.direction'),
              children: t(`indicators.direction.${def.direction}`),
            },
            {
              key: 'grain',
              label: t('indicators.field.grain'),
              children: t(`indicators.grain.${def.grain}`),
            },
            {
              key: 'aggregation',
              label: t('indicators.field.aggregation'),
              children: t(`indicators.aggregation.${def.aggregation}`),
            },
            { key: 'source', label: t('indicators.field.source'), children: sourceText(def.source) },
            {
              key: 'target',
              label: t('indicators.field.target'),
              children: latest ? targetText(def.measure, def.direction, latest) : t('indicators.target.none'),
            },
            { key: 'owner', label: t('indicators.field.owner'), children: def.owner ?? '—' },
          ]}
        />
        {def.description && <div style={{ marginTop: 8, color: '#5b6676' }}>{def.description}</div>}
      </Card>
      {values.isError && (
        <Result status="warning" title={t('common.loadFailed')} subTitle={errorText(values.error)} />
      )}
      <IndicatorTrend def={def} rows={series} loading={values.isPending} onHistory={openHistory} />
      <IndicatorChildren
        def={def}
        ranking={ranking.data}
        loading={ranking.isPending}
        error={ranking.isError ? ranking.error : null}
        onHistory={setHistory}
      />
      <ValueHistoryDrawer def={def} target={history} onClose={() => setHistory(null)} />
      {loaded && canLoad && (
        <IndicatorEntryDrawer def={def} open={entering} unitId={unitId} onClose={() => setEntering(false)} />
      )}
    </div>
  );
};
