import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Progress,
  Row,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { importProblemsUrl } from '../../api/imports';
import type { ImportProblem, ImportRun } from '../../api/imports';

/** rows per second of a run so far, or null before a measurable time has passed. */
const rate = (rows: number, elapsedMs: number): number | null =>
  elapsedMs < 200 ? null : Math.round((rows / elapsedMs) * 1000);

const errorOf = (run: ImportRun): string | null => (run.error ? run.error.message || run.error.code : null);

/** A running import's progress, or a finished one's report: counts, problems, the CSV of problems. */
export const ImportRunView = ({ run, testId }: { run: ImportRun; testId: string }) => {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const { progress, report } = run;
  const perSecond = rate(progress.rows, progress.elapsedMs);

  if (run.status === 'running')
    return (
      <Card size="small" data-testid={testId} data-status="running">
        <Flex vertical gap={8}>
          <Typography.Text strong>{t('imports.run.running')}</Typography.Text>
          <Progress percent={100} status="active" showInfo={false} />
          <Typography.Text type="secondary" data-testid={`${testId}-progress`}>
            {t('imports.run.progress', {
              rows: progress.rows,
              bad: progress.bad,
              seconds: (progress.elapsedMs / 1000).toFixed(1),
              rate: perSecond ?? '—',
            })}
          </Typography.Text>
        </Flex>
      </Card>
    );

  if (run.status === 'failed' || !report)
    return (
      <Alert
        type="error"
        showIcon
        title={t('imports.run.failed')}
        description={errorOf(run) ?? t('errors.unknown')}
        data-testid={testId}
        data-status="failed"
      />
    );

  const columns: TableColumnsType<ImportProblem> = [
    { title: t('imports.problems.row'), dataIndex: 'row', width: 70 },
    { title: t('imports.problems.field'), dataIndex: 'field', width: 130 },
    {
      title: t('imports.problems.value'),
      dataIndex: 'value',
      width: 160,
      ellipsis: true,
      render: (v: string) => v || '—',
    },
    {
      title: t('imports.problems.code'),
      dataIndex: 'code',
      width: 130,
      render: (c: string) => <Tag>{c}</Tag>,
    },
    {
      title: t('imports.problems.why'),
      key: 'why',
      render: (_v, p) => (zh ? p.whyZh || p.why : p.why || p.whyZh),
    },
  ];
  const stat = (key: string, title: string, value: number, color?: string) => (
    <Col xs={12} md={8} xl={4} key={key}>
      <Card size="small" data-testid={`${testId}-${key}`}>
        <Statistic title={title} value={value} styles={{ content: { color, fontSize: 22 } }} />
      </Card>
    </Col>
  );
  const dry = report.mode === 'dry_run';
  return (
    <div data-testid={testId} data-status="done" data-applied={String(report.applied)}>
      <Alert
        type={report.bad > 0 ? 'warning' : 'success'}
        showIcon
        style={{ marginBottom: 12 }}
        title={
          dry
            ? t('imports.run.dryDone', { rows: report.rows, bad: report.bad })
            : report.applied
              ? t('imports.run.applied', { rows: report.rows, bad: report.bad })
              : t('imports.run.notApplied', { bad: report.bad })
        }
        description={
          perSecond !== null
            ? t('imports.run.speed', { seconds: (progress.elapsedMs / 1000).toFixed(1), rate: perSecond })
            : undefined
        }
      />
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {stat('rows', t('imports.report.rows'), report.rows)}
        {stat(
          'created',
          dry ? t('imports.report.wouldCreate') : t('imports.report.created'),
          report.created,
          '#2e9e5b',
        )}
        {stat(
          'updated',
          dry ? t('imports.report.wouldUpdate') : t('imports.report.updated'),
          report.updated,
          '#1e4fa3',
        )}
        {stat('unchanged', t('imports.report.unchanged'), report.unchanged)}
        {stat('bad', t('imports.report.bad'), report.bad, report.bad > 0 ? '#d4380d' : undefined)}
      </Row>
      <Card
        size="small"
        title={t('imports.problems.title', { n: report.problemCount })}
        extra={
          report.problemCount > 0 ? (
            <Button
              size="small"
              icon={<DownloadOutlined />}
              href={importProblemsUrl(run.id)}
              data-testid={`${testId}-problems-csv`}
            >
              {t('imports.problems.download')}
            </Button>
          ) : null
        }
      >
        <Table<ImportProblem>
          size="small"
          rowKey={(p, i) => `${p.row}-${p.field}-${i ?? 0}`}
          columns={columns}
          dataSource={report.problems}
          pagination={report.problems.length > 10 ? { pageSize: 10, size: 'small' } : false}
          data-testid={`${testId}-problems`}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('imports.problems.none')} />
            ),
          }}
        />
        {report.problemCount > report.problems.length && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('imports.problems.more', { shown: report.problems.length, n: report.problemCount })}
          </Typography.Text>
        )}
      </Card>
    </div>
  );
};
