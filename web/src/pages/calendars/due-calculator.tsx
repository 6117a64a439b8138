import { ClockCircleOutlined, FieldTimeOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Flex, Form, Input, Tag, Tooltip, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { addDuration, measureDuration } from '../../api/calendars';
import type { AddDurationResult, Calendar, MeasureResult } from '../../api/types';
import { errorText } from '../../lib/api-errors';
import { weekdayOf } from '../../lib/calendar-days';
import { formatInZone, wallTimeAt, wallTimeToIso } from '../../lib/zoned-time';
import { zoneLabel } from './calendar-summary';

const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';
const EXAMPLES = ['2wh', '1wd', '3wd', '4h', '30wm'] as const;

/** The picker shows wall-clock times; they are read as times on the calendar's clocks. */
const toIso = (value: Dayjs, timeZone: string): string =>
  wallTimeToIso(
    {
      year: value.year(),
      month: value.month() + 1,
      day: value.date(),
      hour: value.hour(),
      minute: value.minute(),
    },
    timeZone,
  );

/** Now on the calendar's clocks, as a picker value (the browser may be in another zone). */
const nowInZone = (timeZone: string): Dayjs => {
  const w = wallTimeAt(new Date(), timeZone);
  return dayjs(new Date(w.year, w.month - 1, w.day, w.hour, w.minute));
};

const ZoneNote = ({ timeZone }: { timeZone: string }) => {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {t('calendar.due.zone', zoneLabel(timeZone))}
    </Typography.Text>
  );
};

type DueValues = { start: Dayjs; duration: string };

/** When does a time limit that starts now (or at any time) run out in this calendar? */
export const DueCalculator = ({ calendar }: { calendar: Calendar }) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<DueValues>();
  const zone = calendar.timeZone;
  const compute = useMutation<AddDurationResult, unknown, DueValues>({
    mutationFn: (v) => addDuration(calendar.id, { start: toIso(v.start, zone), duration: v.duration.trim() }),
  });
  // A changed calendar (a new holiday) makes an earlier answer wrong: drop it.
  const { reset: resetCompute } = compute;
  useEffect(() => resetCompute(), [calendar.updatedAt, resetCompute]);
  const result = compute.data;
  const endLocal = result ? formatInZone(result.end, zone) : '';

  return (
    <Card
      data-testid="due-calculator"
      title={
        <Flex align="center" gap={8}>
          <ClockCircleOutlined style={{ color: '#1e4fa3' }} />
          {t('calendar.due.title')}
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginTop: -4 }}>
        {t('calendar.due.hint')}
      </Typography.Paragraph>
      <Form<DueValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ start: nowInZone(zone), duration: '2wh' }}
        onFinish={(v) => compute.mutate(v)}
        onValuesChange={() => compute.reset()}
      >
        <Form.Item
          name="start"
          label={t('calendar.due.start')}
          rules={[{ required: true, message: t('calendar.due.startRequired') }]}
          extra={<ZoneNote timeZone={zone} />}
        >
          <DatePicker
            showTime={{ format: 'HH:mm', minuteStep: 5 }}
            format={DATE_TIME_FORMAT}
            needConfirm={false}
            style={{ width: '100%' }}
            data-testid="due-start"
          />
        </Form.Item>
        <Form.Item
          name="duration"
          label={t('calendar.due.duration')}
          rules={[{ required: true, whitespace: true, message: t('calendar.due.durationRequired') }]}
          extra={t('calendar.due.durationHelp')}
        >
          <Input
            autoComplete="off"
            placeholder={t('calendar.due.durationPlaceholder')}
            data-testid="due-duration"
            className="gk-mono"
          />
        </Form.Item>
        <Flex wrap gap={6} align="center" style={{ marginTop: -8, marginBottom: 16 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('calendar.due.examples')}
          </Typography.Text>
          {EXAMPLES.map((example) => (
            <Tooltip key={example} title={t(`calendar.durationExamples.${example}`)}>
              <Tag.CheckableTag
                checked={false}
                className="gk-duration-example"
                onChange={() => {
                  form.setFieldValue('duration', example);
                  compute.reset();
                }}
              >
                {example}
              </Tag.CheckableTag>
            </Tooltip>
          ))}
        </Flex>
        <Button type="primary" htmlType="submit" block loading={compute.isPending} data-testid="due-submit">
          {t('calendar.due.submit')}
        </Button>
      </Form>
      {result && (
        <div className="gk-due-result" data-testid="due-result" role="status">
          <div className="gk-due-result-label">{t('calendar.due.result')}</div>
          <div className="gk-due-result-value">
            {endLocal}
            <span className="gk-due-result-weekday">
              {t(`calendar.weekdays.${weekdayOf(endLocal.slice(0, 10))}`)}
            </span>
          </div>
          <div className="gk-due-result-detail">
            {t('calendar.due.resultDetail', {
              start: formatInZone(result.start, zone),
              duration: result.duration,
            })}
          </div>
        </div>
      )}
      {compute.isError && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={t('calendar.due.failed')}
          description={errorText(compute.error)}
          data-testid="due-error"
        />
      )}
    </Card>
  );
};

type MeasureValues = { range: [Dayjs, Dayjs] };

/** The working time between two instants, as a deadline clock would count it. */
export const WorkingTimeMeter = ({ calendar }: { calendar: Calendar }) => {
  const { t } = useTranslation();
  const zone = calendar.timeZone;
  const measure = useMutation<MeasureResult, unknown, MeasureValues>({
    mutationFn: ({ range: [start, end] }) =>
      measureDuration(calendar.id, { start: toIso(start, zone), end: toIso(end, zone) }),
  });
  const { reset: resetMeasure } = measure;
  useEffect(() => resetMeasure(), [calendar.updatedAt, resetMeasure]);
  const result = measure.data;
  const initialStart = nowInZone(zone).startOf('day').hour(9);

  return (
    <Card
      data-testid="measure-calculator"
      title={
        <Flex align="center" gap={8}>
          <FieldTimeOutlined style={{ color: '#1e4fa3' }} />
          {t('calendar.measure.title')}
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginTop: -4 }}>
        {t('calendar.measure.hint')}
      </Typography.Paragraph>
      <Form<MeasureValues>
        layout="vertical"
        requiredMark={false}
        initialValues={{ range: [initialStart, initialStart.add(1, 'day').hour(18)] }}
        onFinish={(v) => measure.mutate(v)}
        onValuesChange={() => measure.reset()}
      >
        <Form.Item
          name="range"
          label={t('calendar.measure.range')}
          rules={[{ required: true, message: t('calendar.measure.rangeRequired') }]}
          extra={<ZoneNote timeZone={zone} />}
        >
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm', minuteStep: 5 }}
            format={DATE_TIME_FORMAT}
            needConfirm={false}
            style={{ width: '100%' }}
            data-testid="measure-range"
          />
        </Form.Item>
        <Button htmlType="submit" block loading={measure.isPending} data-testid="measure-submit">
          {t('calendar.measure.submit')}
        </Button>
      </Form>
      {result && (
        <div className="gk-due-result" data-testid="measure-result" role="status">
          <div className="gk-due-result-label">{t('calendar.measure.result')}</div>
          <div className="gk-due-result-value">
            {t('calendar.measure.value', {
              hours: Math.floor(result.workingMinutes / 60),
              minutes: result.workingMinutes % 60,
            })}
          </div>
          <div className="gk-due-result-detail">
            {t('calendar.measure.decimal', {
              hours: result.workingHours.toLocaleString(undefined, { maximumFractionDigits: 2 }),
            })}
          </div>
        </div>
      )}
      {measure.isError && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={t('calendar.due.failed')}
          description={errorText(measure.error)}
          data-testid="measure-error"
        />
      )}
    </Card>
  );
};
