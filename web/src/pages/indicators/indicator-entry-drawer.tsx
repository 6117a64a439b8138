import { Alert, DatePicker, Form, InputNumber, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { localName } from '../../api/cases';
import { indicatorKeys, listValueVersions, loadIndicatorValues } from '../../api/indicators';
import type { Grain, IndicatorDefinition, LoadProblem, LoadResult, LoadRow } from '../../api/indicators';
import { FormDrawer } from '../../components/form-drawer';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { errorText } from '../../lib/api-errors';
import { unitDisplayName } from '../../lib/unit-tree';
import { useFeedback } from '../../lib/use-feedback';
import { useUnitMap } from '../../lib/use-units';
import { formatNumber, periodStartOf, previousPeriodStart, usePeriodText } from './indicator-format';

/*
 * 录入数值: one value of a loaded indicator (fee recovery, line loss…) for one unit and period, by
 * hand. It goes through the same load as a file (POST …/values, one row), so the rules are the
 * server's: a ratio comes as numerator and denominator, a weighted mean with its weight, and a value
 * already stored is replaced as a correction — the form says so before saving, showing the value
 * it will replace. A refused row comes back as problems, each put on the field it names.
 */

type Values = {
  unitId: number | null;
  period: Dayjs;
  value?: number | null;
  numerator?: number | null;
  denominator?: number | null;
  weight?: number | null;
};

type NumberField = 'value' | 'numerator' | 'denominator' | 'weight';

/** The fields the measure needs (as partOfRow in indicator-load.service.ts reads them). */
const fieldsOf = (def: IndicatorDefinition): NumberField[] =>
  def.measure.kind === 'ratio'
    ? ['numerator', 'denominator']
    : def.aggregation === 'weighted_mean'
      ? ['value', 'weight']
      : ['value'];

const PICKERS: Record<Grain, 'date' | 'month' | 'quarter' | 'year'> = {
  day: 'date',
  week: 'date',
  xun: 'date',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

const dayText = (d: Dayjs) => d.format('YYYY-MM-DD');

/** The period as the load reads it: `2026-10`, `2026-Q4`, `2026`, or the day picked (day, week, 旬). */
export const periodInputText = (grain: Grain, d: Dayjs): string => {
  switch (grain) {
    case 'month':
      return d.format('YYYY-MM');
    case 'quarter':
      return `${d.year()}-Q${Math.floor(d.month() / 3) + 1}`;
    case 'year':
      return String(d.year());
    default:
      return dayText(d);
  }
};

/** The problems of a refused load (`indicators.values_invalid`), from the error's details. */
const problemsOf = (error: unknown): LoadProblem[] => {
  if (!isApiError(error)) return [];
  const raw = error.details?.['problems'];
  return Array.isArray(raw) ? (raw as LoadProblem[]) : [];
};

/** The form field a problem's `field` names (the row's `unit` is the unit picker). */
const formFieldOf = (field: string, shown: readonly NumberField[]): keyof Values | null =>
  field === 'unit'
    ? 'unitId'
    : field === 'period'
      ? 'period'
      : (shown as readonly string[]).includes(field)
        ? (field as NumberField)
        : // A ratio entered as numerator + denominator: a problem with its `value` is the numerator's.
          field === 'value' && shown.includes('numerator')
          ? 'numerator'
          : null;

export const IndicatorEntryDrawer = ({
  def,
  open,
  unitId,
  onClose,
}: {
  def: IndicatorDefinition;
  open: boolean;
  /** The page's unit, the form's first choice. */
  unitId: number | undefined;
  onClose: () => void;
}) => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const problemText = (p: LoadProblem) => (lang.startsWith('zh') ? p.messageZh : p.message);
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const units = useUnitMap();
  const periodText = usePeriodText();
  const [refused, setRefused] = useState<{ text: string; rest: LoadProblem[] } | null>(null);
  const fields = fieldsOf(def);
  const grain = def.grain;

  const mutation = useMutation({
    mutationFn: (v: Values): Promise<LoadResult> => {
      const unit = v.unitId !== null ? units.get(v.unitId) : undefined;
      if (!unit) throw new Error('incomplete form');
      const row: LoadRow = { unit: unit.code, period: periodInputText(grain, v.period) };
      for (const f of fields) {
        const n = v[f];
        if (typeof n === 'number') row[f] = n;
      }
      return loadIndicatorValues(def.key, [row]);
    },
    onSuccess: (res) => {
      setRefused(null);
      void message.success(
        res.corrected > 0
          ? t('indicators.entry.corrected', { n: res.corrected })
          : res.written > 0
            ? t('indicators.entry.written', { n: res.written })
            : t('indicators.entry.unchanged'),
      );
      // The page's values, ranking and history, and the dashboard cards: all under ['indicators'].
      void queryClient.invalidateQueries({ queryKey: indicatorKeys.all });
      close();
    },
    onError: (error) => {
      const problems = problemsOf(error);
      if (problems.length === 0) {
        setRefused(null);
        showError(error);
        return;
      }
      const onFields = new Map<keyof Values, string[]>();
      const rest: LoadProblem[] = [];
      for (const p of problems) {
        const name = formFieldOf(p.field, fields);
        if (name) onFields.set(name, [...(onFields.get(name) ?? []), problemText(p)]);
        else rest.push(p);
      }
      form.setFields([...onFields].map(([name, errors]) => ({ name, errors })));
      setRefused({ text: errorText(error), rest });
    },
  });

  const close = () => {
    setRefused(null);
    onClose();
  };

  const pickedUnitId = Form.useWatch('unitId', form);
  const pickedPeriod = Form.useWatch('period', form);
  const numerator = Form.useWatch('numerator', form);
  const denominator = Form.useWatch('denominator', form);
  const start = pickedPeriod ? periodStartOf(grain, dayText(pickedPeriod)) : null;
  const label = start ? periodText(grain, start) : '';

  // The value this entry would replace: the current version of the unit's own value in the period.
  const versions = useQuery({
    queryKey: indicatorKeys.history(def.key, pickedUnitId ?? 0, start ?? ''),
    queryFn: () => listValueVersions(def.key, pickedUnitId!, start!),
    enabled: open && typeof pickedUnitId === 'number' && start !== null,
  });
  const current = versions.data?.find((v) => v.supersededAt === null && v.value !== null);
  const pickedUnit = typeof pickedUnitId === 'number' ? units.get(pickedUnitId) : undefined;

  const ratio =
    typeof numerator === 'number' && typeof denominator === 'number' && denominator > 0
      ? numerator / denominator
      : null;

  const required = (field: string, select = false) => ({
    required: true,
    message: t(select ? 'common.requiredSelect' : 'common.required', { field }),
  });
  const unitOfMeasure =
    def.measure.kind === 'amount' || def.measure.kind === 'value'
      ? def.measure.unit
      : def.measure.kind === 'duration'
        ? t(`indicators.durationUnit.${def.measure.unit}`)
        : '';
  const fieldLabel = (f: NumberField): string =>
    f === 'weight'
      ? def.weight
        ? localName(def.weight, lang)
        : t('indicators.entry.weight')
      : f === 'value'
        ? unitOfMeasure
          ? t('indicators.entry.valueIn', { unit: unitOfMeasure })
          : t('indicators.entry.value')
        : t(`indicators.entry.${f}`);

  const initialValues: Partial<Values> = {
    unitId: unitId ?? null,
    period: dayjs(previousPeriodStart(grain, dayjs().format('YYYY-MM-DD'))),
  };

  return (
    <FormDrawer<Values>
      open={open}
      onClose={close}
      title={t('indicators.entry.title', { name: localName(def, lang) })}
      size={480}
      form={form}
      mutation={mutation}
      submitTestId="indicator-entry-submit"
      initialValues={initialValues}
    >
      <div data-testid="indicator-entry">
        {refused && (
          <Alert
            type="error"
            showIcon
            title={refused.text}
            description={
              refused.rest.length > 0
                ? refused.rest.map((p, i) => (
                    <div key={i}>
                      {t('indicators.entry.problem', { row: p.row, field: p.field, message: problemText(p) })}
                    </div>
                  ))
                : undefined
            }
            style={{ marginBottom: 16 }}
            data-testid="indicator-entry-refused"
          />
        )}
        <Form.Item
          name="unitId"
          label={t('indicators.entry.unit')}
          rules={[required(t('indicators.entry.unit'), true)]}
        >
          <UnitTreeSelect allowClear={false} data-testid="indicator-entry-unit" />
        </Form.Item>
        <Form.Item
          name="period"
          label={`${t('indicators.entry.period')}（${t(`indicators.grain.${grain}`)}）`}
          rules={[required(t('indicators.entry.period'), true)]}
          extra={
            label && (grain === 'week' || grain === 'xun')
              ? t('indicators.entry.periodIs', { label })
              : undefined
          }
        >
          <DatePicker
            picker={PICKERS[grain]}
            allowClear={false}
            {...(grain === 'month' ? { format: 'YYYY-MM' } : {})}
            {...(grain === 'year' ? { format: 'YYYY' } : {})}
            {...(PICKERS[grain] === 'date' ? { format: 'YYYY-MM-DD' } : {})}
            style={{ width: '100%' }}
            data-testid="indicator-entry-period"
          />
        </Form.Item>
        {current && pickedUnit && start && (
          <Alert
            type="warning"
            showIcon
            title={t('indicators.entry.existing', {
              unit: unitDisplayName(pickedUnit, lang),
              label,
              value:
                formatNumber(def.measure, current.value) +
                (current.denominator !== null && def.measure.kind === 'ratio'
                  ? `（${t('indicators.entry.existingParts', {
                      numerator: current.numerator ?? '—',
                      denominator: current.denominator,
                    })}）`
                  : ''),
            })}
            style={{ marginBottom: 16 }}
            data-testid="indicator-entry-existing"
          />
        )}
        {versions.isFetching && !versions.data && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('indicators.entry.checking')}
          </Typography.Paragraph>
        )}
        {fields.map((f) => (
          <Form.Item
            key={f}
            name={f}
            label={fieldLabel(f)}
            rules={[required(fieldLabel(f))]}
            extra={f === 'denominator' ? t('indicators.entry.ratioHint') : undefined}
          >
            <InputNumber style={{ width: '100%' }} data-testid={`indicator-entry-${f}`} />
          </Form.Item>
        ))}
        {def.measure.kind === 'ratio' && (
          <Typography.Text strong data-testid="indicator-entry-ratio">
            {t('indicators.entry.ratio', { value: formatNumber(def.measure, ratio) })}
          </Typography.Text>
        )}
      </div>
    </FormDrawer>
  );
};
