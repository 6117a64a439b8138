import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  DatePicker,
  Descriptions,
  Divider,
  Drawer,
  Flex,
  Form,
  Input,
  Radio,
  Result,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { campaignKeys, createCampaign, listTargetLists } from '../../api/campaigns';
import type {
  AssignTo,
  AssignmentRule,
  CampaignMode,
  CreateCampaignInput,
  CreateCampaignResult,
  TargetProblem,
} from '../../api/campaigns';
import { flattenTree, localName } from '../../api/cases';
import { ResetOnOpen } from '../../components/reset-on-open';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { applyFormErrors, errorText } from '../../lib/api-errors';
import { blankToNull, formatDateTime } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { useUnits } from '../../lib/use-units';
import { useCaseTypes } from '../cases/case-hooks';

type RuleBy = AssignmentRule['by'];

type Values = {
  list?: string;
  name: string;
  key: string;
  caseType?: string;
  unitId: number | null;
  category?: string;
  ruleBy: RuleBy;
  assignTo: AssignTo;
  singleUnitId?: number | null;
  mapping?: { value?: string; unitId?: number | null }[];
  mode: CampaignMode;
  visitCaseType?: string;
  period: Dayjs;
};

const KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** A campaign key proposed from the list's key: lower-case, what the server accepts, dated. */
const proposedKey = (listKey: string): string => {
  const base = listKey
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 48);
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `${base || 'campaign'}-${stamp}`;
};

/** The problems of a refused dispatch (all or nothing): the error carries them in its details. */
const problemsOf = (error: unknown): TargetProblem[] => {
  if (!isApiError(error)) return [];
  const raw = error.details?.['problems'];
  return Array.isArray(raw) ? (raw as TargetProblem[]) : [];
};

export const RejectedTable = ({ rows, testId }: { rows: TargetProblem[]; testId: string }) => {
  const { t } = useTranslation();
  return (
    <Table<TargetProblem>
      size="small"
      rowKey={(r, i) => `${r.row}-${r.field}-${i ?? 0}`}
      dataSource={rows}
      pagination={rows.length > 10 ? { pageSize: 10, size: 'small' } : false}
      data-testid={testId}
      columns={[
        { title: t('campaigns.result.row'), dataIndex: 'row', width: 70 },
        { title: t('campaigns.result.externalKey'), dataIndex: 'externalKey', width: 140 },
        { title: t('campaigns.result.field'), dataIndex: 'field', width: 110 },
        { title: t('campaigns.result.problem'), dataIndex: 'message' },
      ]}
    />
  );
};

/**
 * 新建派单: a campaign from an imported target list — its case type, unit, the rule that files
 * each target in a unit and picks the person there — and, once dispatched, what happened: how
 * many, to whom, and which rows were refused.
 */
export const CampaignCreateDrawer = ({
  open,
  initialList,
  onClose,
}: {
  open: boolean;
  /** The list to dispatch, when the drawer is opened from an import. */
  initialList?: string | undefined;
  onClose: () => void;
}) => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const { types, byKey } = useCaseTypes();
  const { data: units } = useUnits();
  const [result, setResult] = useState<CreateCampaignResult | null>(null);
  const [refused, setRefused] = useState<{ text: string; problems: TargetProblem[] } | null>(null);
  const lists = useQuery({ queryKey: campaignKeys.targetLists, queryFn: listTargetLists, enabled: open });

  const codeOf = (unitId: number | null | undefined) =>
    unitId ? (units ?? []).find((u) => u.id === unitId)?.code : undefined;

  const mutation = useMutation({
    mutationFn: (v: Values) => {
      if (!v.list || !v.caseType || !v.unitId) throw new Error('incomplete form');
      const assignTo = v.assignTo;
      let rule: AssignmentRule;
      if (v.ruleBy === 'single_unit')
        rule = { by: 'single_unit', unitCode: codeOf(v.singleUnitId) ?? '', assignTo };
      else if (v.ruleBy === 'mapping') {
        const map: Record<string, string> = {};
        for (const row of v.mapping ?? []) {
          const value = blankToNull(row.value);
          const code = codeOf(row.unitId);
          if (value !== null && code) map[value] = code;
        }
        rule = { by: 'mapping', map, assignTo };
      } else rule = { by: 'unit_column', assignTo };
      const input: CreateCampaignInput = {
        key: v.key.trim(),
        name: v.name.trim(),
        caseType: v.caseType,
        unitId: v.unitId,
        rule,
        mode: v.mode,
        list: v.list,
      };
      if (v.category) input.category = v.category;
      if (v.visitCaseType) input.visitCaseType = v.visitCaseType;
      input.period = v.period.format('YYYY-MM');
      return createCampaign(input);
    },
    onSuccess: (res) => {
      setRefused(null);
      setResult(res);
      void message.success(t('campaigns.result.done', { n: res.dispatched }));
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
    },
    onError: (error) => {
      const problems = problemsOf(error);
      if (problems.length > 0) {
        setRefused({ text: errorText(error), problems });
        return;
      }
      setRefused(null);
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  const close = () => {
    setResult(null);
    setRefused(null);
    onClose();
  };

  const caseTypeKey = Form.useWatch('caseType', form);
  const ruleBy = Form.useWatch('ruleBy', form);
  const type = caseTypeKey ? byKey.get(caseTypeKey) : undefined;

  const pickList = (key: string | undefined) => {
    const list = (lists.data ?? []).find((l) => l.key === key);
    if (!list) return;
    const current = form.getFieldsValue();
    form.setFieldsValue({
      caseType: list.caseType,
      unitId: list.unit.id,
      name: current.name?.trim() ? current.name : list.name,
      key: current.key?.trim() ? current.key : proposedKey(list.key),
    });
  };

  // Opened from an import: the list is chosen, its type, unit and name follow once the lists load.
  useEffect(() => {
    if (open && initialList && lists.data) pickList(initialList);
    // Not on every render (pickList changes with it): that would undo the user's edits.
  }, [open, initialList, lists.data]);

  const required = (field: string) => ({ required: true, message: t('common.required', { field }) });
  const requiredSelect = (field: string) => ({
    required: true,
    message: t('common.requiredSelect', { field }),
  });
  const grid = { display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 } as const;

  const initialValues: Partial<Values> = {
    period: dayjs().startOf('month'),
    ruleBy: 'unit_column',
    assignTo: 'unit_manager',
    mode: 'all_or_nothing',
    unitId: null,
    mapping: [{}],
    ...(initialList ? { list: initialList } : {}),
  };

  const resultView = result && (
    <div data-testid="campaign-result">
      <Result
        status={result.rejected.length > 0 ? 'warning' : 'success'}
        title={t('campaigns.result.title', { n: result.dispatched })}
        subTitle={
          result.rejected.length > 0
            ? t('campaigns.result.someRejected', { n: result.rejected.length })
            : undefined
        }
        extra={[
          <Button
            key="open"
            type="primary"
            // Leaves the list page (and the drawer with it) for the campaign's own page.
            onClick={() => void navigate(`/campaigns/${encodeURIComponent(result.campaign.key)}`)}
            data-testid="campaign-result-open"
          >
            {t('campaigns.result.open')}
          </Button>,
          <Button key="close" onClick={close}>
            {t('common.close')}
          </Button>,
        ]}
        style={{ padding: '16px 0' }}
      />
      <Typography.Title level={5}>{t('campaigns.result.assignees')}</Typography.Title>
      <Table
        size="small"
        rowKey="userId"
        pagination={false}
        dataSource={result.assignees}
        data-testid="campaign-result-assignees"
        columns={[
          { title: t('campaigns.result.assignee'), dataIndex: 'name' },
          { title: t('campaigns.result.count'), dataIndex: 'count', align: 'right', width: 100 },
        ]}
      />
      {result.rejected.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('campaigns.result.rejected')}
          </Typography.Title>
          <RejectedTable rows={result.rejected} testId="campaign-result-rejected" />
        </>
      )}
    </div>
  );

  return (
    <Drawer
      open={open}
      onClose={close}
      title={t('campaigns.create.title')}
      size={640}
      destroyOnHidden
      extra={
        result ? null : (
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={mutation.isPending}
              onClick={() => form.submit()}
              data-testid="campaign-form-submit"
            >
              {t('campaigns.create.submit')}
            </Button>
          </Space>
        )
      }
    >
      {resultView || (
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={initialValues}
          onFinish={(v) => mutation.mutate(v)}
        >
          <ResetOnOpen form={form} />
          {refused && (
            <Alert
              type="error"
              showIcon
              title={refused.text}
              description={<RejectedTable rows={refused.problems} testId="campaign-refused" />}
              style={{ marginBottom: 16 }}
              data-testid="campaign-refused-alert"
            />
          )}
          <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
            {t('campaigns.create.source')}
          </Divider>
          <Form.Item
            name="list"
            label={t('campaigns.create.list')}
            rules={[requiredSelect(t('campaigns.create.list'))]}
            extra={
              lists.isError
                ? `${t('common.loadFailed')}：${errorText(lists.error)}`
                : !lists.isPending && (lists.data ?? []).length === 0
                  ? t('campaigns.create.noLists')
                  : undefined
            }
          >
            <Select<string>
              showSearch={{ optionFilterProp: 'label' }}
              loading={lists.isPending}
              onChange={pickList}
              options={(lists.data ?? []).map((l) => ({
                value: l.key,
                label: `${l.name}（${l.key}）`,
                title: l.key,
              }))}
              optionRender={(option) => {
                const l = (lists.data ?? []).find((x) => x.key === option.value);
                return l ? (
                  <Flex vertical>
                    <span>{l.name}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {[
                        l.key,
                        l.unit.name,
                        t('campaigns.create.rows', { n: l.rowCount }),
                        formatDateTime(l.updatedAt),
                      ].join(' · ')}
                    </Typography.Text>
                  </Flex>
                ) : (
                  option.label
                );
              }}
              data-testid="campaign-form-list"
            />
          </Form.Item>

          <Divider titlePlacement="start" plain>
            {t('campaigns.create.basic')}
          </Divider>
          <div style={grid}>
            <Form.Item
              name="name"
              label={t('campaigns.field.name')}
              rules={[required(t('campaigns.field.name')), { max: 200 }]}
            >
              <Input autoComplete="off" data-testid="campaign-form-name" />
            </Form.Item>
            <Form.Item
              name="key"
              label={t('campaigns.field.key')}
              extra={t('campaigns.create.keyHint')}
              rules={[
                required(t('campaigns.field.key')),
                { pattern: KEY_PATTERN, message: t('campaigns.create.keyInvalid') },
              ]}
            >
              <Input autoComplete="off" data-testid="campaign-form-key" />
            </Form.Item>
          </div>
          <div style={grid}>
            <Form.Item
              name="caseType"
              label={t('campaigns.field.caseType')}
              rules={[requiredSelect(t('campaigns.field.caseType'))]}
            >
              <Select<string>
                options={types.map((ct) => ({ value: ct.key, label: localName(ct, lang) }))}
                onChange={() => form.setFieldsValue({ category: undefined })}
                data-testid="campaign-form-type"
              />
            </Form.Item>
            <Form.Item
              name="unitId"
              label={t('campaigns.field.unit')}
              rules={[requiredSelect(t('campaigns.field.unit'))]}
            >
              <UnitTreeSelect allowClear={false} data-testid="campaign-form-unit" />
            </Form.Item>
          </div>
          <div style={grid}>
            <Form.Item
              name="category"
              label={t('campaigns.field.category')}
              extra={t('campaigns.create.categoryHint')}
            >
              <Select<string>
                allowClear
                options={flattenTree(type?.definition.categories ?? []).map((n) => ({
                  value: n.key,
                  label: localName(n, lang),
                }))}
                data-testid="campaign-form-category"
              />
            </Form.Item>
            <Form.Item
              name="visitCaseType"
              label={t('campaigns.field.visitCaseType')}
              extra={t('campaigns.create.visitHint')}
            >
              <Select<string>
                allowClear
                options={types.map((ct) => ({ value: ct.key, label: localName(ct, lang) }))}
                data-testid="campaign-form-visit-type"
              />
            </Form.Item>
          </div>
          <Form.Item
            name="period"
            label={t('campaigns.field.period')}
            extra={t('campaigns.create.periodHint')}
            rules={[required(t('campaigns.field.period'))]}
          >
            <DatePicker
              picker="month"
              allowClear={false}
              format="YYYY-MM"
              data-testid="campaign-form-period"
            />
          </Form.Item>

          <Divider titlePlacement="start" plain>
            {t('campaigns.create.assignment')}
          </Divider>
          <Form.Item name="ruleBy" label={t('campaigns.field.rule')}>
            <Radio.Group
              optionType="button"
              options={(['unit_column', 'mapping', 'single_unit'] as const).map((by) => ({
                value: by,
                label: t(`campaigns.rule.${by}`),
              }))}
              data-testid="campaign-form-rule"
            />
          </Form.Item>
          <Typography.Paragraph type="secondary" style={{ marginTop: -12, fontSize: 12 }}>
            {t(`campaigns.rule.${ruleBy ?? 'unit_column'}Hint`)}
          </Typography.Paragraph>
          {ruleBy === 'single_unit' && (
            <Form.Item
              name="singleUnitId"
              label={t('campaigns.create.singleUnit')}
              rules={[requiredSelect(t('campaigns.create.singleUnit'))]}
            >
              <UnitTreeSelect data-testid="campaign-form-single-unit" />
            </Form.Item>
          )}
          {ruleBy === 'mapping' && (
            <Form.List name="mapping">
              {(rows, { add, remove }) => (
                <div data-testid="campaign-form-mapping">
                  {rows.map((row) => (
                    <Flex key={row.key} gap={8} align="flex-start">
                      <Form.Item
                        name={[row.name, 'value']}
                        style={{ flex: 1 }}
                        rules={[required(t('campaigns.create.mapValue'))]}
                      >
                        <Input placeholder={t('campaigns.create.mapValue')} autoComplete="off" />
                      </Form.Item>
                      <Form.Item
                        name={[row.name, 'unitId']}
                        style={{ flex: 1 }}
                        rules={[requiredSelect(t('campaigns.create.mapUnit'))]}
                      >
                        <UnitTreeSelect placeholder={t('campaigns.create.mapUnit')} />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t('common.delete')}
                        onClick={() => remove(row.name)}
                        disabled={rows.length === 1}
                      />
                    </Flex>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block>
                    {t('campaigns.create.mapAdd')}
                  </Button>
                </div>
              )}
            </Form.List>
          )}
          <Form.Item name="assignTo" label={t('campaigns.field.assignTo')} style={{ marginTop: 16 }}>
            <Radio.Group
              options={(['unit_manager', 'round_robin'] as const).map((a) => ({
                value: a,
                label: t(`campaigns.assignTo.${a}`),
              }))}
              data-testid="campaign-form-assign-to"
            />
          </Form.Item>
          <Form.Item name="mode" label={t('campaigns.field.mode')}>
            <Radio.Group
              options={(['all_or_nothing', 'skip_bad'] as const).map((m) => ({
                value: m,
                label: t(`campaigns.mode.${m}`),
              }))}
              data-testid="campaign-form-mode"
            />
          </Form.Item>
          {type && (
            <Descriptions
              size="small"
              column={1}
              items={[
                {
                  key: 'reasons',
                  label: t('campaigns.create.typeReasons'),
                  children: type.definition.reasons
                    .map((r) => localName(r, lang))
                    .join(t('common.listSeparator')),
                },
              ]}
            />
          )}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>
      )}
    </Drawer>
  );
};
