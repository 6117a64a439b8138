import { PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Select, Statistic, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { caseKeys, getCaseTally, localName } from '../../api/cases';
import type { TallyOwner } from '../../api/cases';
import { PageHeader } from '../../components/page-header';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { useCaseTypes } from './case-hooks';

/** On paper: no menu, header or filters; the table fills the page. */
const PRINT_CSS = `
.gk-print-only { display: none; }
@media print {
  .gk-sider, .gk-header, .gk-footer, .gk-no-print { display: none !important; }
  body, .gk-app, .gk-content { background: #fff !important; }
  .gk-content { padding: 0 !important; }
  .gk-print-only { display: block; }
  .gk-tally .ant-card { box-shadow: none !important; border: none !important; }
  .gk-tally .ant-card-body { padding: 0 !important; }
  .gk-tally .ant-table { font-size: 11pt; }
  .gk-tally .ant-table-cell { padding: 4px 8px !important; }
  @page { size: A4 landscape; margin: 12mm; }
}
`;

const count = (n: number, tone?: 'danger' | 'warning') =>
  n > 0 && tone ? (
    <Typography.Text type={tone} strong>
      {n}
    </Typography.Text>
  ) : n > 0 ? (
    n
  ) : (
    <Typography.Text type="secondary">0</Typography.Text>
  );

/** 每日盘点: open cases by owner × root cause, with overdue and at-risk per owner, printable. */
export const TallyPage = () => {
  const { t, i18n } = useTranslation();
  const { types } = useCaseTypes();
  const [caseType, setCaseType] = useState<string | undefined>(undefined);
  const [unitId, setUnitId] = useState<number | null>(null);
  const params = { caseType, unitId: unitId ?? undefined };
  const query = useQuery({
    queryKey: caseKeys.tally(params),
    queryFn: () => getCaseTally(params),
    refetchInterval: 5 * 60_000,
  });
  const tally = query.data;
  const owners = tally?.owners ?? [];
  const causes = tally?.causes ?? [];
  const totals = owners.reduce(
    (sum, o) => ({
      open: sum.open + o.open,
      overdue: sum.overdue + o.overdue,
      atRisk: sum.atRisk + o.atRisk,
    }),
    { open: 0, overdue: 0, atRisk: 0 },
  );
  const typeName = caseType ? types.find((ct) => ct.key === caseType) : undefined;

  const columns: TableColumnsType<TallyOwner> = [
    {
      title: t('cases.tally.owner'),
      key: 'owner',
      fixed: 'left',
      width: 140,
      render: (_v, o) =>
        o.assignee ? (
          o.assignee.name
        ) : (
          <Typography.Text type="secondary">{t('cases.tally.unassigned')}</Typography.Text>
        ),
    },
    {
      title: t('cases.tally.open'),
      dataIndex: 'open',
      width: 90,
      align: 'right',
      sorter: (a, b) => a.open - b.open,
      render: (n: number) => count(n),
    },
    {
      title: t('cases.tally.overdue'),
      dataIndex: 'overdue',
      width: 90,
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: (a, b) => a.overdue - b.overdue || a.atRisk - b.atRisk,
      render: (n: number) => count(n, 'danger'),
    },
    {
      title: t('cases.tally.atRisk'),
      dataIndex: 'atRisk',
      width: 100,
      align: 'right',
      sorter: (a, b) => a.atRisk - b.atRisk,
      render: (n: number) => count(n, 'warning'),
    },
    ...(causes.length
      ? [
          {
            title: t('cases.tally.causes'),
            key: 'causes',
            children: causes.map((cause) => ({
              title: cause.name,
              key: `cause-${cause.key}`,
              width: 90,
              align: 'right' as const,
              render: (_v: unknown, o: TallyOwner) => count(o.byCause[cause.key] ?? 0),
            })),
          },
        ]
      : []),
  ];

  return (
    <div className="gk-tally">
      <style>{PRINT_CSS}</style>
      <div className="gk-no-print">
        <PageHeader
          title={t('cases.tally.title')}
          subtitle={t('cases.tally.subtitle')}
          extra={
            <>
              <Button
                icon={<ReloadOutlined />}
                loading={query.isFetching}
                onClick={() => void query.refetch()}
              >
                {t('cases.refresh')}
              </Button>
              <Button
                type="primary"
                icon={<PrinterOutlined />}
                onClick={() => window.print()}
                data-testid="tally-print"
              >
                {t('cases.tally.print')}
              </Button>
            </>
          }
        />
      </div>
      <div className="gk-print-only" style={{ marginBottom: 8 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('cases.tally.reportTitle')}
          {typeName ? ` · ${localName(typeName, i18n.language)}` : ''}
        </Typography.Title>
      </div>
      <Card>
        <Flex align="center" gap={12} wrap className="gk-no-print" style={{ marginBottom: 16 }}>
          <Select<string>
            allowClear
            placeholder={t('cases.filter.allTypes')}
            aria-label={t('cases.field.type')}
            style={{ width: 180 }}
            value={caseType}
            onChange={setCaseType}
            options={types.map((ct) => ({ value: ct.key, label: localName(ct, i18n.language) }))}
            data-testid="tally-type"
          />
          <UnitTreeSelect
            placeholder={t('cases.filter.unit')}
            aria-label={t('cases.field.unit')}
            style={{ width: 220 }}
            value={unitId}
            onChange={setUnitId}
            data-testid="tally-unit"
          />
        </Flex>
        {query.isError ? (
          <Alert
            type="error"
            showIcon
            title={t('common.loadFailed')}
            description={errorText(query.error)}
            action={
              <Button size="small" onClick={() => void query.refetch()}>
                {t('common.retry')}
              </Button>
            }
          />
        ) : (
          <>
            <Flex gap={40} wrap style={{ marginBottom: 16 }} data-testid="tally-summary">
              <Statistic title={t('cases.tally.registeredToday')} value={tally?.registeredToday ?? '—'} />
              <Statistic title={t('cases.tally.resolvedToday')} value={tally?.resolvedToday ?? '—'} />
              <Statistic title={t('cases.tally.openTotal')} value={tally ? totals.open : '—'} />
              <Statistic
                title={t('cases.tally.overdue')}
                value={tally ? totals.overdue : '—'}
                styles={{ content: { color: totals.overdue > 0 ? '#d4380d' : undefined } }}
              />
              <Statistic
                title={t('cases.tally.atRisk')}
                value={tally ? totals.atRisk : '—'}
                styles={{ content: { color: totals.atRisk > 0 ? '#e08a1e' : undefined } }}
              />
            </Flex>
            <Table<TallyOwner>
              size="small"
              bordered
              rowKey={(o) => (o.assignee ? `u${o.assignee.id}` : 'unassigned')}
              columns={columns}
              dataSource={owners}
              loading={query.isFetching}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: t('cases.tally.empty') }}
              data-testid="tally-table"
              summary={() =>
                owners.length > 0 ? (
                  <Table.Summary fixed>
                    <Table.Summary.Row style={{ fontWeight: 600, background: '#fafbfd' }}>
                      <Table.Summary.Cell index={0}>{t('cases.tally.total')}</Table.Summary.Cell>
                      <Table.Summary.Cell index={1} align="right">
                        {totals.open}
                      </Table.Summary.Cell>
                      <Table.Summary.Cell index={2} align="right">
                        {count(totals.overdue, 'danger')}
                      </Table.Summary.Cell>
                      <Table.Summary.Cell index={3} align="right">
                        {count(totals.atRisk, 'warning')}
                      </Table.Summary.Cell>
                      {causes.map((cause, i) => (
                        <Table.Summary.Cell key={cause.key} index={4 + i} align="right">
                          {cause.open}
                        </Table.Summary.Cell>
                      ))}
                    </Table.Summary.Row>
                  </Table.Summary>
                ) : null
              }
            />
            {tally && (
              <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
                {t('cases.tally.at', { time: formatDateTime(tally.at) })}
              </Typography.Text>
            )}
          </>
        )}
      </Card>
    </div>
  );
};
