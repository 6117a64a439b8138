import { EditOutlined, RollbackOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Popconfirm, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { removeCalendarDay } from '../../api/calendars';
import { queryKeys } from '../../api/query-keys';
import type { Calendar, CalendarDay } from '../../api/types';
import { DayTypeTag } from '../../components/day-type-tag';
import { dayTypeOf, formatHours, weekdayOf } from '../../lib/calendar-days';
import { useFeedback } from '../../lib/use-feedback';

type Filter = 'all' | 'holiday' | 'workday';

/** The year's holidays and working days that differ from the weekly rule, in date order. */
export const SpecialDaysTable = ({
  calendar,
  year,
  days,
  loading,
  canManage,
  onEdit,
}: {
  calendar: Calendar;
  year: number;
  days: readonly CalendarDay[] | undefined;
  loading: boolean;
  canManage: boolean;
  onEdit: (day: CalendarDay) => void;
}) => {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const [filter, setFilter] = useState<Filter>('all');

  const restore = useMutation({
    mutationFn: (date: string) => removeCalendarDay(calendar.id, date),
    onSuccess: async (_v, date) => {
      void message.success(t('calendar.day.restored', { date }));
      await queryClient.invalidateQueries({ queryKey: queryKeys.calendars });
    },
    onError: (error) => showError(error),
  });

  const all = [...(days ?? [])].sort((a, b) => a.date.localeCompare(b.date));
  const rows = filter === 'all' ? all : all.filter((d) => d.kind === filter);
  const count = (kind: CalendarDay['kind']) => all.filter((d) => d.kind === kind).length;

  const columns: TableColumnsType<CalendarDay> = [
    {
      title: t('calendar.special.date'),
      dataIndex: 'date',
      width: 120,
      render: (date: string) => <Typography.Text className="gk-mono">{date}</Typography.Text>,
    },
    {
      title: t('calendar.special.weekday'),
      key: 'weekday',
      width: 80,
      render: (_v, day) => {
        const weekday = weekdayOf(day.date);
        return (
          <span className={weekday === 'sat' || weekday === 'sun' ? 'gk-cal-weekend-text' : undefined}>
            {t(`calendar.weekdays.${weekday}`)}
          </span>
        );
      },
    },
    {
      title: t('calendar.special.type'),
      key: 'type',
      width: 150,
      render: (_v, day) => <DayTypeTag type={dayTypeOf(day.date, day, calendar.weekly)} />,
    },
    {
      title: t('calendar.special.name'),
      dataIndex: 'name',
      render: (name: string | null) => name ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('calendar.special.hours'),
      key: 'hours',
      render: (_v, day) =>
        day.kind === 'workday' ? (
          formatHours(day.hours ?? [], t)
        ) : (
          <Typography.Text type="secondary">{t('calendar.restDay')}</Typography.Text>
        ),
    },
    ...(canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 180,
            fixed: 'right' as const,
            render: (_v: unknown, day: CalendarDay) => (
              <Flex gap={0}>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => onEdit(day)}>
                  {t('calendar.special.edit')}
                </Button>
                <Popconfirm
                  title={t('calendar.special.restoreTitle', { date: day.date })}
                  description={t('calendar.day.restoreHint', {
                    rule: formatHours(calendar.weekly[weekdayOf(day.date)], t),
                  })}
                  okText={t('common.ok')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => restore.mutateAsync(day.date).catch(() => undefined)}
                >
                  <Button size="small" type="link" icon={<RollbackOutlined />}>
                    {t('calendar.special.restore')}
                  </Button>
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      title={
        <Flex align="baseline" gap={10} wrap>
          <span>{t('calendar.special.title', { year })}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
            {t('calendar.special.subtitle')}
          </Typography.Text>
        </Flex>
      }
      extra={
        <Segmented<Filter>
          size="small"
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: `${t('calendar.special.all')} ${all.length}` },
            { value: 'holiday', label: `${t('calendar.special.holidays')} ${count('holiday')}` },
            { value: 'workday', label: `${t('calendar.special.workdays')} ${count('workday')}` },
          ]}
        />
      }
      styles={{ body: { padding: 0 } }}
    >
      <Table<CalendarDay>
        data-testid="calendar-special-days"
        rowKey="date"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={false}
        scroll={{ x: 720, y: 460 }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendar.special.empty')} />,
        }}
      />
    </Card>
  );
};
