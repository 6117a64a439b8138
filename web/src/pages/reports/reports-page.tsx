import { DownloadOutlined, EyeOutlined, FileAddOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Form,
  Modal,
  Select,
  Spin,
  Table,
  Tag,
  Tooltip,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  REPORT_FORMATS,
  fetchReportHtml,
  generateReport,
  listReportTemplates,
  listReports,
  reportFileUrl,
  reportKeys,
} from '../../api/reports';
import type { GenerateReportInput, ReportFormat, ReportSummary } from '../../api/reports';
import { PageHeader } from '../../components/page-header';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { applyFormErrors, errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { useUnits } from '../../lib/use-units';

type Values = { template?: string; period?: Dayjs; unitId: number | null; format: ReportFormat };

const sizeText = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const FORMAT_COLORS: Record<ReportFormat, string> = {
  docx: 'blue',
  html: 'green',
  md: 'default',
  xlsx: 'cyan',
};

/**
 * A stored HTML report shown in a sandboxed frame: no scripts run, nothing reaches the app's
 * origin. The report is self-contained (styles and charts inline) and print-friendly.
 */
const ReportPreview = ({ report, onClose }: { report: ReportSummary | null; onClose: () => void }) => {
  const { t } = useTranslation();
  const html = useQuery({
    queryKey: reportKeys.html(report?.id ?? 0),
    queryFn: () => fetchReportHtml(report!.id, t('errors.network')),
    enabled: report !== null,
    staleTime: Infinity,
  });
  return (
    <Modal
      open={report !== null}
      title={report?.title}
      onCancel={onClose}
      width="min(1100px, 96vw)"
      destroyOnHidden
      footer={
        report && (
          <Flex justify="flex-end" gap={8}>
            <Button href={reportFileUrl(report.id)} icon={<DownloadOutlined />}>
              {t('reports.download')}
            </Button>
            <Button type="primary" onClick={onClose}>
              {t('common.close')}
            </Button>
          </Flex>
        )
      }
    >
      {html.isPending ? (
        <Flex justify="center" style={{ padding: 64 }}>
          <Spin />
        </Flex>
      ) : html.isError ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(html.error)} />
      ) : (
        <iframe
          title={report?.title ?? ''}
          sandbox=""
          srcDoc={html.data}
          style={{
            width: '100%',
            height: '72vh',
            border: '1px solid #e5e9f0',
            borderRadius: 6,
            background: '#fff',
          }}
          data-testid="report-preview-frame"
        />
      )}
    </Modal>
  );
};

/** 分析报告 (/reports): generate a template's report for a month and unit; the reports made so far. */
export const ReportsPage = () => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const { data: units } = useUnits();
  const [preview, setPreview] = useState<ReportSummary | null>(null);
  const templates = useQuery({
    queryKey: reportKeys.templates,
    queryFn: listReportTemplates,
    staleTime: 5 * 60_000,
  });
  const reports = useQuery({ queryKey: reportKeys.list, queryFn: listReports });
  const templateName = (key: string) => {
    const tpl = (templates.data ?? []).find((x) => x.key === key);
    return tpl ? (lang === 'en' ? tpl.nameEn || tpl.name : tpl.name) : key;
  };

  const mutation = useMutation({
    mutationFn: ({ values, previewIt }: { values: Values; previewIt: boolean }) => {
      if (!values.template || !values.period || !values.unitId) throw new Error('incomplete form');
      const input: GenerateReportInput = {
        template: values.template,
        period: values.period.format('YYYY-MM'),
        unitId: values.unitId,
        format: previewIt ? 'html' : values.format,
      };
      return generateReport(input);
    },
    onSuccess: (report, { previewIt }) => {
      void message.success(t('reports.generated', { title: report.title }));
      void queryClient.invalidateQueries({ queryKey: reportKeys.list });
      if (previewIt || report.format === 'html') setPreview(report);
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });
  const [previewing, setPreviewing] = useState(false);
  const submit = (previewIt: boolean) => {
    setPreviewing(previewIt);
    void form.validateFields().then(
      (values) => mutation.mutate({ values, previewIt }),
      () => undefined,
    );
  };

  // The only top unit is the usual choice (a branch's analyst sees one).
  const roots = (units ?? []).filter((u) => u.parentId === null);
  const onlyRoot = roots.length === 1 ? (roots[0]?.id ?? null) : null;
  const initialValues: Values = { period: dayjs().startOf('month'), unitId: onlyRoot, format: 'docx' };
  // The units load after the form mounts: the only top unit is filled in once known.
  useEffect(() => {
    if (onlyRoot !== null && !form.getFieldValue('unitId')) form.setFieldsValue({ unitId: onlyRoot });
  }, [onlyRoot, form]);

  const columns: TableColumnsType<ReportSummary> = [
    {
      title: t('reports.col.title'),
      dataIndex: 'title',
      width: 320,
      render: (title: string, r) => (
        <Flex vertical gap={2}>
          <span data-testid="report-row-title">{title}</span>
          <span style={{ color: '#8c98a8', fontSize: 12 }}>{templateName(r.template)}</span>
        </Flex>
      ),
    },
    { title: t('reports.col.period'), dataIndex: 'period', width: 90 },
    { title: t('reports.col.unit'), key: 'unit', width: 140, render: (_v, r) => r.unit.name },
    {
      title: t('reports.col.format'),
      dataIndex: 'format',
      width: 80,
      render: (f: ReportFormat) => <Tag color={FORMAT_COLORS[f]}>{t(`reports.formats.${f}`)}</Tag>,
    },
    {
      title: t('reports.col.size'),
      dataIndex: 'size',
      width: 90,
      align: 'right',
      render: (s: number) => sizeText(s),
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 130,
      fixed: 'right',
      render: (_v, r) => (
        <Flex gap={4}>
          <Tooltip title={t('reports.download')}>
            <Button
              type="text"
              size="small"
              icon={<DownloadOutlined />}
              href={reportFileUrl(r.id)}
              aria-label={t('reports.download')}
              data-testid="report-download"
            />
          </Tooltip>
          {r.format === 'html' && (
            <Tooltip title={t('reports.preview')}>
              <Button
                type="text"
                size="small"
                icon={<EyeOutlined />}
                onClick={() => setPreview(r)}
                aria-label={t('reports.preview')}
                data-testid="report-preview"
              />
            </Tooltip>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('reports.title')} subtitle={t('reports.subtitle')} />
      <Card style={{ marginBottom: 16 }} title={t('reports.generate')} size="small">
        {templates.isError && (
          <Alert
            type="error"
            showIcon
            title={t('common.loadFailed')}
            description={errorText(templates.error)}
            style={{ marginBottom: 12 }}
          />
        )}
        <Form<Values> form={form} layout="vertical" initialValues={initialValues} data-testid="report-form">
          <Flex gap={16} wrap align="flex-end">
            <Form.Item
              name="template"
              label={t('reports.field.template')}
              rules={[
                {
                  required: true,
                  message: t('common.requiredSelect', { field: t('reports.field.template') }),
                },
              ]}
              style={{ width: 300 }}
            >
              <Select<string>
                loading={templates.isPending}
                options={(templates.data ?? []).map((tpl) => ({
                  value: tpl.key,
                  label: lang === 'en' ? tpl.nameEn || tpl.name : tpl.name,
                }))}
                data-testid="report-form-template"
              />
            </Form.Item>
            <Form.Item
              name="period"
              label={t('reports.field.period')}
              rules={[
                { required: true, message: t('common.requiredSelect', { field: t('reports.field.period') }) },
              ]}
            >
              <DatePicker
                picker="month"
                allowClear={false}
                format="YYYY-MM"
                data-testid="report-form-period"
              />
            </Form.Item>
            <Form.Item
              name="unitId"
              label={t('reports.field.unit')}
              rules={[
                { required: true, message: t('common.requiredSelect', { field: t('reports.field.unit') }) },
              ]}
              style={{ width: 220 }}
            >
              <UnitTreeSelect allowClear={false} data-testid="report-form-unit" />
            </Form.Item>
            <Form.Item name="format" label={t('reports.field.format')} style={{ width: 150 }}>
              <Select<ReportFormat>
                options={REPORT_FORMATS.map((f) => ({ value: f, label: t(`reports.formats.${f}`) }))}
                data-testid="report-form-format"
              />
            </Form.Item>
            <Form.Item>
              <Flex gap={8}>
                <Button
                  type="primary"
                  icon={<FileAddOutlined />}
                  loading={mutation.isPending && !previewing}
                  onClick={() => submit(false)}
                  data-testid="report-generate"
                >
                  {t('reports.generateButton')}
                </Button>
                <Button
                  icon={<EyeOutlined />}
                  loading={mutation.isPending && previewing}
                  onClick={() => submit(true)}
                  data-testid="report-generate-preview"
                >
                  {t('reports.previewButton')}
                </Button>
              </Flex>
            </Form.Item>
          </Flex>
        </Form>
      </Card>
      <Card
        size="small"
        title={t('reports.list')}
        extra={
          <Button
            size="small"
            icon={<ReloadOutlined />}
            loading={reports.isFetching}
            onClick={() => void reports.refetch()}
          >
            {t('common.refresh')}
          </Button>
        }
      >
        <Table<ReportSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={reports.data ?? []}
          loading={reports.isFetching}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { total }) }}
          data-testid="reports-table"
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  reports.isError
                    ? `${t('common.loadFailed')}：${errorText(reports.error)}`
                    : t('reports.empty')
                }
              />
            ),
          }}
        />
      </Card>
      <ReportPreview report={preview} onClose={() => setPreview(null)} />
    </>
  );
};
