import { InboxOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Spin,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { localName } from '../../api/cases';
import {
  getImportRun,
  guessMapping,
  importProblemsUrl,
  listImportRuns,
  importKeys,
  listImportProfiles,
  listImportTargets,
  saveImportProfile,
  startImport,
  uploadImportFile,
} from '../../api/imports';
import type {
  ImportMode,
  ImportOption,
  ImportOptions,
  ImportProfile,
  ImportRun,
  ImportTargetInfo,
  MappingGuess,
  UploadedFile,
} from '../../api/imports';
import { useSession } from '../../auth/session-context';
import { PageHeader } from '../../components/page-header';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { useUnits } from '../../lib/use-units';
import { useCaseTypes } from '../cases/case-hooks';
import { ImportRunView } from './import-run-view';

/*
 * 导入: one file into one target (a dispatch list, units, people, cases …) in steps — the target
 * and its options, the file, the column mapping (guessed, adjustable, kept as a profile), a dry
 * run that writes nothing and reports every bad row, then the import itself with its progress.
 */

const DISPATCH_LIST = 'dispatch-list';
const POLL_MS = 700;

type Step = 'target' | 'file' | 'mapping' | 'dry' | 'apply';
const STEPS: readonly Step[] = ['target', 'file', 'mapping', 'dry', 'apply'];

/** An option's label "中文 / English" in the UI language. */
const optionLabel = (label: string, lang: string): string => {
  const [zh, en] = label.split(' / ');
  return (lang === 'en' ? en : zh)?.trim() || label;
};

/** A unit picked in the tree, held as its code (the import options name units by code). */
const UnitCodeSelect = ({
  value,
  onChange,
  ...rest
}: {
  value?: string;
  onChange?: (code: string | undefined) => void;
  allowClear?: boolean;
  'data-testid'?: string;
}) => {
  const { data: units } = useUnits();
  const id = (units ?? []).find((u) => u.code === value)?.id ?? null;
  return (
    <UnitTreeSelect
      {...rest}
      value={id}
      onChange={(next) => onChange?.((units ?? []).find((u) => u.id === next)?.code)}
    />
  );
};

/** An option's input: a case type picker, a unit tree, or text, by what the option is. */
const OptionInput = ({
  option,
  ...rest
}: {
  option: ImportOption;
  value?: unknown;
  onChange?: (v: unknown) => void;
}) => {
  const { i18n } = useTranslation();
  const { types } = useCaseTypes();
  const testId = `import-option-${option.key}`;
  if (/case.?type/i.test(option.key))
    return (
      <Select<string>
        {...(rest as object)}
        options={types.map((ct) => ({ value: ct.key, label: localName(ct, i18n.language) }))}
        data-testid={testId}
      />
    );
  if (/^unit(code)?$/i.test(option.key))
    return <UnitCodeSelect {...(rest as object)} allowClear={!option.required} data-testid={testId} />;
  return <Input {...(rest as object)} autoComplete="off" data-testid={testId} />;
};

/** The sample rows of an uploaded file under its headers. */
const SampleTable = ({ file }: { file: UploadedFile }) => (
  <Table
    size="small"
    rowKey="__row"
    pagination={false}
    scroll={{ x: 'max-content' }}
    dataSource={file.sample.slice(0, 5).map((cells, row) => ({
      __row: row,
      ...Object.fromEntries(file.headers.map((h, i) => [`c${i}`, cells[i]])),
    }))}
    columns={file.headers.map((h, i) => ({
      title: h,
      dataIndex: `c${i}`,
      ellipsis: true,
      width: 140,
      render: (v: unknown) => (v === null || v === undefined ? '' : String(v)),
    }))}
    data-testid="import-sample"
  />
);

export const ImportsPage = () => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { session } = useSession();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const [optionsForm] = Form.useForm<ImportOptions>();

  const [step, setStep] = useState<Step>('target');
  const [targetKey, setTargetKey] = useState<string | undefined>(undefined);
  const [options, setOptions] = useState<ImportOptions>({});
  const [profileName, setProfileName] = useState<string | undefined>(undefined);
  const [file, setFile] = useState<UploadedFile | null>(null);
  const [guess, setGuess] = useState<MappingGuess | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [applyMode, setApplyMode] = useState<Exclude<ImportMode, 'dry_run'>>('all_or_nothing');
  const [dryRunId, setDryRunId] = useState<number | null>(null);
  const [applyRunId, setApplyRunId] = useState<number | null>(null);
  const [newProfile, setNewProfile] = useState('');

  const targets = useQuery({
    queryKey: importKeys.targets,
    queryFn: listImportTargets,
    staleTime: 5 * 60_000,
  });
  const profiles = useQuery({ queryKey: importKeys.profiles, queryFn: listImportProfiles });
  const target: ImportTargetInfo | undefined = (targets.data ?? []).find((x) => x.key === targetKey);
  const targetName = (x: ImportTargetInfo) => (lang === 'en' ? x.nameEn || x.name : x.name);
  const profilesOfTarget = (profiles.data ?? []).filter((p) => p.target === targetKey);
  const profile: ImportProfile | undefined = profilesOfTarget.find((p) => p.name === profileName);

  const pollRun = (id: number | null) => ({
    queryKey: importKeys.run(id ?? 0),
    queryFn: () => getImportRun(id!),
    enabled: id !== null,
    refetchInterval: (q: { state: { data?: { status: string } | undefined } }) =>
      q.state.data?.status === 'running' || q.state.data === undefined ? POLL_MS : false,
  });
  const dryRun = useQuery(pollRun(dryRunId));
  const applyRun = useQuery(pollRun(applyRunId));
  const runs = useQuery({ queryKey: importKeys.runs, queryFn: listImportRuns });
  const runStatus = `${dryRun.data?.status ?? ''}/${applyRun.data?.status ?? ''}`;
  // The list of recent runs follows the runs of this page as they finish.
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: importKeys.runs, exact: true });
  }, [runStatus, queryClient]);

  const reset = () => {
    setStep('target');
    setFile(null);
    setGuess(null);
    setMapping({});
    setDryRunId(null);
    setApplyRunId(null);
  };

  const upload = useMutation({
    mutationFn: (f: File) =>
      uploadImportFile(f, {
        csrfToken: session?.csrfToken ?? null,
        language: lang,
        fallbackMessage: t('errors.network'),
      }),
    onSuccess: (uploaded) => {
      setFile(uploaded);
      mapFile.mutate(uploaded);
    },
    onError: (error) => showError(error),
  });

  const mapFile = useMutation({
    mutationFn: (uploaded: UploadedFile) => guessMapping(uploaded.fileId, { target: targetKey!, options }),
    onSuccess: (g, uploaded) => {
      setGuess(g);
      // A saved profile wins over the guess for the headers this file has.
      const fromProfile = Object.fromEntries(
        Object.entries(profile?.mapping ?? {}).flatMap(([field, header]) =>
          typeof header === 'string' && uploaded.headers.includes(header) ? [[field, header]] : [],
        ),
      ) as Record<string, string>;
      setMapping({ ...g.mapping, ...fromProfile });
      setDryRunId(null);
      setApplyRunId(null);
      setStep('mapping');
    },
    onError: (error) => showError(error),
  });

  const run = useMutation({
    mutationFn: (mode: ImportMode) =>
      startImport({
        fileId: file!.fileId,
        target: targetKey!,
        mode,
        mapping,
        options,
        ...(profileName ? { profile: profileName } : {}),
      }),
    onSuccess: ({ id }, mode) => {
      if (mode === 'dry_run') {
        setDryRunId(id);
        setApplyRunId(null);
        setStep('dry');
      } else {
        setApplyRunId(id);
        setStep('apply');
      }
    },
    onError: (error) => showError(error),
  });

  const saveProfile = useMutation({
    mutationFn: (name: string) =>
      saveImportProfile(name, { target: targetKey!, mapping, mode: applyMode, options }),
    onSuccess: (_saved, name) => {
      void message.success(t('imports.mapping.profileSaved', { name }));
      setProfileName(name);
      setNewProfile('');
      void queryClient.invalidateQueries({ queryKey: importKeys.profiles });
    },
    onError: (error) => showError(error),
  });

  const chooseProfile = (name: string | undefined) => {
    setProfileName(name);
    const p = profilesOfTarget.find((x) => x.name === name);
    if (p) {
      optionsForm.setFieldsValue(p.options);
      if (p.mode !== 'dry_run') setApplyMode(p.mode);
    }
  };

  const applied = applyRun.data?.status === 'done' && applyRun.data.report?.applied === true;
  const listKey =
    typeof options['list'] === 'string'
      ? options['list']
      : typeof options['key'] === 'string'
        ? options['key']
        : undefined;

  /* ---- Steps ---- */

  const targetStep = (
    <Card size="small" title={t('imports.steps.target')} data-testid="import-step-target">
      {targets.isError && (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed')}
          description={errorText(targets.error)}
          style={{ marginBottom: 12 }}
        />
      )}
      <Flex gap={16} wrap style={{ marginBottom: 12 }}>
        <div style={{ width: 280 }}>
          <Typography.Text strong>{t('imports.target')}</Typography.Text>
          <Select<string>
            style={{ width: '100%', marginTop: 4 }}
            loading={targets.isPending}
            value={targetKey}
            onChange={(key) => {
              setTargetKey(key);
              setProfileName(undefined);
              optionsForm.resetFields();
              reset();
            }}
            options={(targets.data ?? []).map((x) => ({ value: x.key, label: targetName(x) }))}
            data-testid="import-target"
          />
        </div>
        {profilesOfTarget.length > 0 && (
          <div style={{ width: 240 }}>
            <Typography.Text strong>{t('imports.profile')}</Typography.Text>
            <Select<string>
              allowClear
              style={{ width: '100%', marginTop: 4 }}
              placeholder={t('imports.noProfile')}
              value={profileName}
              onChange={chooseProfile}
              options={profilesOfTarget.map((p) => ({ value: p.name, label: p.name }))}
              data-testid="import-profile"
            />
          </div>
        )}
      </Flex>
      {target && (
        <Form<ImportOptions>
          form={optionsForm}
          layout="vertical"
          onFinish={(values) => {
            setOptions(
              Object.fromEntries(
                Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
              ),
            );
            setStep('file');
          }}
        >
          {target.key === DISPATCH_LIST && (
            <Typography.Paragraph type="secondary">{t('imports.dispatchListHint')}</Typography.Paragraph>
          )}
          <div
            style={{
              display: 'grid',
              gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
              columnGap: 16,
            }}
          >
            {target.options.map((o) => (
              <Form.Item
                key={o.key}
                name={o.key}
                label={optionLabel(o.label, lang)}
                rules={
                  o.required
                    ? [
                        {
                          required: true,
                          message: t('common.required', { field: optionLabel(o.label, lang) }),
                        },
                      ]
                    : []
                }
              >
                <OptionInput option={o} />
              </Form.Item>
            ))}
          </div>
          <Button type="primary" htmlType="submit" data-testid="import-target-next">
            {t('imports.next')}
          </Button>
        </Form>
      )}
    </Card>
  );

  const fileStep = (
    <Card size="small" title={t('imports.steps.file')} data-testid="import-step-file">
      <Spin spinning={upload.isPending || mapFile.isPending}>
        <Upload.Dragger
          multiple={false}
          showUploadList={false}
          accept=".csv,.txt,.tsv,.xlsx"
          customRequest={({ file: f }) => upload.mutate(f as File)}
          data-testid="import-file"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('imports.file.drop')}</p>
          <p className="ant-upload-hint">{t('imports.file.hint')}</p>
        </Upload.Dragger>
      </Spin>
      <Button style={{ marginTop: 12 }} onClick={() => setStep('target')}>
        {t('imports.back')}
      </Button>
    </Card>
  );

  const fileFacts = file && (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 4 }}
      style={{ marginBottom: 12 }}
      items={[
        {
          key: 'name',
          label: t('imports.file.name'),
          children: <span data-testid="import-file-name">{file.name}</span>,
        },
        { key: 'size', label: t('imports.file.size'), children: `${(file.size / 1024).toFixed(1)} KB` },
        { key: 'format', label: t('imports.file.format'), children: file.format },
        { key: 'encoding', label: t('imports.file.encoding'), children: file.encoding ?? '—' },
      ]}
    />
  );

  const required = (guess?.fields ?? []).filter((f) => f.required);
  const missing = required.filter((f) => !mapping[f.key]);
  const mappingStep = guess && file && (
    <Card size="small" title={t('imports.steps.mapping')} data-testid="import-step-mapping">
      {fileFacts}
      <SampleTable file={file} />
      <Table
        size="small"
        rowKey="key"
        pagination={false}
        style={{ marginTop: 16 }}
        dataSource={guess.fields}
        data-testid="import-mapping"
        columns={[
          {
            title: t('imports.mapping.field'),
            key: 'field',
            width: 220,
            render: (_v, f) => (
              <span>
                {f.label}
                {f.required && <Typography.Text type="danger"> *</Typography.Text>}
              </span>
            ),
          },
          {
            title: t('imports.mapping.column'),
            key: 'column',
            render: (_v, f) => (
              <Select<string>
                allowClear
                style={{ width: 260 }}
                placeholder={t('imports.mapping.notMapped')}
                value={mapping[f.key]}
                status={f.required && !mapping[f.key] ? 'error' : undefined}
                onChange={(header) =>
                  setMapping((m) => {
                    const next = { ...m };
                    if (header) next[f.key] = header;
                    else delete next[f.key];
                    return next;
                  })
                }
                options={file.headers.map((h) => ({ value: h, label: h }))}
                data-testid={`import-map-${f.key}`}
              />
            ),
          },
        ]}
      />
      {guess.unmatchedHeaders.length > 0 && (
        <Typography.Paragraph style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{t('imports.mapping.unmatched')}</Typography.Text>{' '}
          {guess.unmatchedHeaders
            .filter((h) => !Object.values(mapping).includes(h))
            .map((h) => (
              <Tag key={h}>{h}</Tag>
            ))}
        </Typography.Paragraph>
      )}
      {missing.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          title={t('imports.mapping.missing', {
            fields: missing.map((f) => f.label).join(t('common.listSeparator')),
          })}
        />
      )}
      <Flex justify="space-between" wrap gap={12} style={{ marginTop: 16 }}>
        <Space.Compact>
          <Input
            placeholder={t('imports.mapping.profileName')}
            value={newProfile || profileName || ''}
            onChange={(e) => setNewProfile(e.target.value)}
            style={{ width: 200 }}
            data-testid="import-profile-name"
          />
          <Button
            icon={<SaveOutlined />}
            loading={saveProfile.isPending}
            disabled={!(newProfile || profileName)}
            onClick={() => saveProfile.mutate((newProfile || profileName || '').trim())}
            data-testid="import-profile-save"
          >
            {t('imports.mapping.saveProfile')}
          </Button>
        </Space.Compact>
        <Space>
          <Button onClick={() => setStep('file')}>{t('imports.back')}</Button>
          <Button
            type="primary"
            disabled={missing.length > 0}
            loading={run.isPending}
            onClick={() => run.mutate('dry_run')}
            data-testid="import-dry-run"
          >
            {t('imports.dryRun')}
          </Button>
        </Space>
      </Flex>
    </Card>
  );

  const dryStep = dryRun.data && (
    <Card size="small" title={t('imports.steps.dry')} data-testid="import-step-dry">
      <ImportRunView run={dryRun.data} testId="import-dry-report" />
      {dryRun.data.status === 'done' && (
        <Flex justify="space-between" align="center" wrap gap={12} style={{ marginTop: 16 }}>
          <Radio.Group
            value={applyMode}
            onChange={(e) => setApplyMode(e.target.value as typeof applyMode)}
            options={(['all_or_nothing', 'skip_bad'] as const).map((m) => ({
              value: m,
              label: t(`imports.mode.${m}`),
            }))}
            data-testid="import-mode"
          />
          <Space>
            <Button onClick={() => setStep('mapping')}>{t('imports.backToMapping')}</Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={run.isPending}
              disabled={applyMode === 'all_or_nothing' && (dryRun.data.report?.bad ?? 0) > 0}
              onClick={() => run.mutate(applyMode)}
              data-testid="import-apply"
            >
              {t('imports.apply')}
            </Button>
          </Space>
        </Flex>
      )}
    </Card>
  );

  const applyStep = applyRun.data && (
    <Card size="small" title={t('imports.steps.apply')} data-testid="import-step-apply">
      <ImportRunView run={applyRun.data} testId="import-apply-report" />
      {applyRun.data.status !== 'running' && (
        <Flex justify="flex-end" gap={8} style={{ marginTop: 16 }}>
          <Button onClick={reset} data-testid="import-again">
            {t('imports.again')}
          </Button>
          {applied && targetKey === DISPATCH_LIST && listKey && (
            <Link
              to={`/campaigns?create=${encodeURIComponent(listKey)}`}
              data-testid="import-create-campaign"
            >
              <Button type="primary">{t('imports.createCampaign')}</Button>
            </Link>
          )}
        </Flex>
      )}
    </Card>
  );

  const recent = (
    <Card size="small" title={t('imports.recent.title')} style={{ marginTop: 16 }}>
      <Table<ImportRun>
        size="small"
        rowKey="id"
        dataSource={runs.data ?? []}
        loading={runs.isFetching}
        pagination={{ pageSize: 10, size: 'small' }}
        scroll={{ x: 'max-content' }}
        data-testid="import-runs"
        columns={[
          { title: t('imports.recent.file'), dataIndex: 'fileName', width: 220, ellipsis: true },
          {
            title: t('imports.target'),
            dataIndex: 'target',
            width: 120,
            render: (key: string) => {
              const x = (targets.data ?? []).find((tg) => tg.key === key);
              return x ? targetName(x) : key;
            },
          },
          {
            title: t('imports.recent.mode'),
            dataIndex: 'mode',
            width: 170,
            render: (m: ImportMode) => t(`imports.mode.${m}`),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 90,
            render: (st: ImportRun['status'], r) => (
              <Tag
                color={
                  st === 'failed'
                    ? 'red'
                    : st === 'running'
                      ? 'processing'
                      : r.report?.applied
                        ? 'green'
                        : 'default'
                }
              >
                {t(`imports.status.${st}`)}
              </Tag>
            ),
          },
          {
            title: t('imports.recent.rows'),
            key: 'rows',
            width: 130,
            render: (_v, r) => t('imports.recent.rowsBad', { rows: r.progress.rows, bad: r.progress.bad }),
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
            width: 120,
            render: (_v, r) =>
              (r.report?.problemCount ?? 0) > 0 ? (
                <Button type="link" size="small" href={importProblemsUrl(r.id)}>
                  {t('imports.recent.problems')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );

  const current = STEPS.indexOf(step);
  return (
    <>
      <PageHeader title={t('imports.title')} subtitle={t('imports.subtitle')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          current={current}
          status={
            applyRun.data?.status === 'failed' || dryRun.data?.status === 'failed'
              ? 'error'
              : applied
                ? 'finish'
                : 'process'
          }
          items={STEPS.map((s) => ({ title: t(`imports.steps.${s}`) }))}
        />
      </Card>
      {step === 'target' && targetStep}
      {step === 'file' && fileStep}
      {step === 'mapping' && mappingStep}
      {step === 'dry' && (dryStep || <Spin />)}
      {step === 'apply' && (applyStep || <Spin />)}
      {recent}
    </>
  );
};
