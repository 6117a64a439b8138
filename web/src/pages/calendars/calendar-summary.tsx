import { CalendarOutlined, InfoCircleOutlined } from '@ant-design/icons';
import { Card, Descriptions, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Calendar } from '../../api/types';
import { calendarDisplayName, summariseWeekly } from '../../lib/calendar-days';
import { formatDateTime } from '../../lib/format';
import { formatOffset, zoneOffsetMinutes } from '../../lib/zoned-time';

/** `Asia/Shanghai（UTC+08:00）` */
export const zoneLabel = (timeZone: string): { zone: string; offset: string } => ({
  zone: timeZone,
  offset: formatOffset(zoneOffsetMinutes(new Date(), timeZone)),
});

/** Who the calendar is: code, time zone, weekly hours and the years whose holidays it knows. */
export const CalendarSummary = ({ calendar }: { calendar: Calendar }) => {
  const { t, i18n } = useTranslation();
  const { zone, offset } = zoneLabel(calendar.timeZone);
  return (
    <Card data-testid="calendar-summary" className="gk-cal-summary">
      <Flex align="center" gap={12} style={{ marginBottom: 14 }} wrap>
        <span className="gk-cal-summary-icon">
          <CalendarOutlined />
        </span>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {calendarDisplayName(calendar, i18n.language)}
        </Typography.Title>
        <Tag color="blue" variant="outlined" style={{ marginInlineEnd: 0 }}>
          {calendar.code}
        </Tag>
      </Flex>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 4 }}
        items={[
          {
            key: 'code',
            label: t('calendar.code'),
            children: <Typography.Text copyable={{ text: calendar.code }}>{calendar.code}</Typography.Text>,
          },
          {
            key: 'zone',
            label: t('calendar.timeZone'),
            children: `${zone}（UTC${offset}）`,
          },
          {
            key: 'coverage',
            label: t('calendar.coverage'),
            children: (
              <span data-testid="calendar-coverage">
                {t('calendar.coverageRange', {
                  from: calendar.coverage.fromYear,
                  to: calendar.coverage.toYear,
                })}
              </span>
            ),
          },
          { key: 'updated', label: t('common.updatedAt'), children: formatDateTime(calendar.updatedAt) },
          {
            key: 'weekly',
            label: t('calendar.weeklyHours'),
            span: 'filled',
            children: <span data-testid="calendar-weekly">{summariseWeekly(calendar.weekly, t)}</span>,
          },
        ]}
      />
      <Typography.Text type="secondary" className="gk-cal-coverage-note">
        <InfoCircleOutlined /> {t('calendar.coverageHint')}
      </Typography.Text>
    </Card>
  );
};
