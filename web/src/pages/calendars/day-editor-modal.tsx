import {
  CoffeeOutlined,
  DeleteOutlined,
  PlusOutlined,
  RollbackOutlined,
  ToolOutlined,
} from '@ant-design/icons';
import { Alert, Button, Flex, Form, Input, Modal, TimePicker, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { removeCalendarDay, setCalendarDay } from '../../api/calendars';
import { queryKeys } from '../../api/query-keys';
import type { Calendar, CalendarDay, CalendarDayKind, TimeRange } from '../../api/types';
import { DayTypeTag } from '../../components/day-type-tag';
import { applyFormErrors } from '../../lib/api-errors';
import { dayTypeOf, formatHours, hoursOf, weekdayOf } from '../../lib/calendar-days';
import { useFeedback } from '../../lib/use-feedback';
import { useSticky } from '../../lib/use-sticky';

/** What the modal is opened for: a date and its special day, if it has one. */
export type DayEditorTarget = { date: string; special: CalendarDay | undefined };

type RangeValue = [Dayjs | null, Dayjs | null] | null;
type Values = { name?: string; hours?: RangeValue[] };

const TIME_FORMAT = 'HH:mm';
const DEFAULT_HOURS: TimeRange[] = [
  ['09:00', '12:00'],
  ['13:30', '18:00'],
];

// A time picker has no 24:00; the end of the day shows as 23:59 and goes back as 24:00.
const toDayjs = (time: string): Dayjs => dayjs(`2000-01-01T${time === '24:00' ? '23:59' : time}:00`);
const toTime = (value: Dayjs, isEnd: boolean): string => {
  const text = value.format(TIME_FORMAT);
  return isEnd && text === '23:59' ? '24:00' : text;
};

const toRanges = (hours: readonly TimeRange[]): RangeValue[] =>
  hours.map(([start, end]) => [toDayjs(start), toDayjs(end)]);

const fromRanges = (values: RangeValue[] | undefined): TimeRange[] =>
  (values ?? []).flatMap((v) =>
    v && v[0] && v[1] ? [[toTime(v[0], false), toTime(v[1], true)] as TimeRange] : [],
  );

const overlapping = (ranges: TimeRange[]): boolean => {
  const sorted = [...ranges].sort((a, b) => a[0].localeCompare(b[0]));
  return sorted.some((r, i) => i > 0 && r[0] < (sorted[i - 1]?.[1] ?? ''));
};

const KindChoice = ({
  kind,
  selected,
  icon,
  title,
  hint,
  onSelect,
}: {
  kind: CalendarDayKind;
  selected: boolean;
  icon: ReactNode;
  title: string;
  hint: string;
  onSelect: () => void;
}) => (
  <button
    type="button"
    className={`gk-kind-choice gk-kind-choice-${kind}${selected ? ' gk-kind-choice-selected' : ''}`}
    aria-pressed={selected}
    onClick={onSelect}
    data-testid={`calendar-day-${kind}`}
  >
    <span className="gk-kind-choice-icon">{icon}</span>
    <span>
      <span className="gk-kind-choice-title">{title}</span>
      <span className="gk-kind-choice-hint">{hint}</span>
    </span>
  </button>
);

/** Makes one date a holiday or a working day (with its hours), or gives it back to the weekly rule. */
export const DayEditorModal = ({
  calendar,
  target: requested,
  onClose,
}: {
  calendar: Calendar;
  target: DayEditorTarget | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const [form] = Form.useForm<Values>();
  const target = useSticky(requested);
  const date = target?.date ?? '';
  const special = target?.special;
  const weekly = calendar.weekly;
  const type = target ? dayTypeOf(date, special, weekly) : 'workday';
  const ruleHours = target ? weekly[weekdayOf(date)] : [];

  // Default choice: what the day is now when it is special, else the opposite of its weekly rule.
  const initialKind: CalendarDayKind = special?.kind ?? (ruleHours.length ? 'holiday' : 'workday');
  const [kind, setKind] = useState<CalendarDayKind>(initialKind);
  const [openedFor, setOpenedFor] = useState<DayEditorTarget | null>(null);
  if (requested && requested !== openedFor) {
    setOpenedFor(requested);
    setKind(initialKind);
  }

  const done = async (text: string) => {
    void message.success(text);
    await queryClient.invalidateQueries({ queryKey: queryKeys.calendars });
    onClose();
  };

  const save = useMutation({
    mutationFn: (values: Values) =>
      setCalendarDay(calendar.id, date, {
        kind,
        ...(values.name?.trim() ? { name: values.name.trim() } : {}),
        ...(kind === 'workday' ? { hours: fromRanges(values.hours) } : {}),
      }),
    onSuccess: () => done(t('calendar.day.saved', { date, kind: t(`calendar.day.${kind}`) })),
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });
  const restore = useMutation({
    mutationFn: () => removeCalendarDay(calendar.id, date),
    onSuccess: () => done(t('calendar.day.restored', { date })),
    onError: (error) => showError(error),
  });

  const weekday = target ? t(`calendar.weekdays.${weekdayOf(date)}`) : '';
  const defaultHours = special?.kind === 'workday' && special.hours ? special.hours : weekly.mon;

  return (
    <Modal
      open={requested !== null}
      title={t('calendar.day.title', { date, weekday })}
      onCancel={onClose}
      destroyOnHidden
      width={480}
      footer={
        <Flex justify="space-between" align="center" gap={8}>
          <Button
            icon={<RollbackOutlined />}
            disabled={!special}
            loading={restore.isPending}
            onClick={() => restore.mutate()}
            data-testid="calendar-day-restore"
          >
            {t('calendar.day.restore')}
          </Button>
          <Flex gap={8}>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={save.isPending}
              onClick={() => form.submit()}
              data-testid="calendar-day-submit"
            >
              {t('common.save')}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <div className="gk-day-editor" data-testid="calendar-day-editor">
        <Flex align="center" gap={8} wrap className="gk-day-editor-current">
          <Typography.Text type="secondary">{t('calendar.day.current')}</Typography.Text>
          <DayTypeTag type={type} />
          {special?.name && <Typography.Text strong>{special.name}</Typography.Text>}
          <Typography.Text type="secondary">{formatHours(hoursOf(date, special, weekly), t)}</Typography.Text>
        </Flex>

        <Typography.Text type="secondary" className="gk-day-editor-label">
          {t('calendar.day.setAs')}
        </Typography.Text>
        <div className="gk-kind-choices">
          <KindChoice
            kind="holiday"
            selected={kind === 'holiday'}
            icon={<CoffeeOutlined />}
            title={t('calendar.day.holiday')}
            hint={t('calendar.day.holidayHint')}
            onSelect={() => setKind('holiday')}
          />
          <KindChoice
            kind="workday"
            selected={kind === 'workday'}
            icon={<ToolOutlined />}
            title={t('calendar.day.workday')}
            hint={t('calendar.day.workdayHint')}
            onSelect={() => setKind('workday')}
          />
        </div>

        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            name: special?.name ?? '',
            hours: toRanges(defaultHours.length ? defaultHours : DEFAULT_HOURS),
          }}
          onFinish={(values) => save.mutate(values)}
          requiredMark={false}
        >
          <Form.Item
            name="name"
            label={t('calendar.day.name')}
            rules={[
              { max: 100, message: t('common.maxLength', { field: t('calendar.day.name'), max: 100 }) },
            ]}
          >
            <Input
              autoComplete="off"
              allowClear
              placeholder={t(
                kind === 'holiday'
                  ? 'calendar.day.namePlaceholderHoliday'
                  : 'calendar.day.namePlaceholderWorkday',
              )}
              data-testid="calendar-day-name"
            />
          </Form.Item>
          {kind === 'workday' && (
            <Form.List
              name="hours"
              rules={[
                {
                  validator: async (_rule, value: RangeValue[] | undefined) => {
                    const ranges = fromRanges(value);
                    if (ranges.length === 0) throw new Error(t('calendar.day.hoursRequired'));
                    if (overlapping(ranges)) throw new Error(t('calendar.day.rangeOverlap'));
                  },
                },
              ]}
            >
              {(fields, { add, remove }, { errors }) => (
                <Form.Item label={t('calendar.day.hours')} extra={t('calendar.day.hoursHint')}>
                  <Flex vertical gap={8}>
                    {fields.map((field) => (
                      <Flex key={field.key} gap={8} align="flex-start">
                        <Form.Item
                          name={field.name}
                          noStyle
                          rules={[{ required: true, message: t('calendar.day.rangeRequired') }]}
                        >
                          <TimePicker.RangePicker
                            format={TIME_FORMAT}
                            minuteStep={5}
                            needConfirm={false}
                            order
                            style={{ flex: 1 }}
                          />
                        </Form.Item>
                        <Button
                          type="text"
                          icon={<DeleteOutlined />}
                          aria-label={t('calendar.day.removeRange')}
                          onClick={() => remove(field.name)}
                          disabled={fields.length <= 1}
                        />
                      </Flex>
                    ))}
                    <Button
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() => add([toDayjs('09:00'), toDayjs('12:00')])}
                      block
                    >
                      {t('calendar.day.addRange')}
                    </Button>
                    <Form.ErrorList errors={errors} />
                  </Flex>
                </Form.Item>
              )}
            </Form.List>
          )}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>

        {special ? (
          <Alert
            type="info"
            showIcon
            title={t('calendar.day.restoreHint', { rule: formatHours(ruleHours, t) })}
          />
        ) : (
          <Typography.Text type="secondary">{t('calendar.day.ruleOnly')}</Typography.Text>
        )}
      </div>
    </Modal>
  );
};
