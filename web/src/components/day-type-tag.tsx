import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DayType } from '../lib/calendar-days';

/** Colours of the day types, shared by the year view, its legend and the lists. */
export const DAY_TYPE_COLORS: Record<DayType, string> = {
  holiday: 'red',
  makeup: 'blue',
  adjusted: 'geekblue',
  weekend: 'default',
  workday: 'green',
};

/** 休 / 班 marks as printed on Chinese calendars. */
export const dayBadge = (type: DayType): 'holiday' | 'workday' | null =>
  type === 'holiday' ? 'holiday' : type === 'makeup' || type === 'adjusted' ? 'workday' : null;

export const DayTypeTag = ({ type }: { type: DayType }) => {
  const { t } = useTranslation();
  const badge = dayBadge(type);
  return (
    <Tag color={DAY_TYPE_COLORS[type]} variant="filled" style={{ marginInlineEnd: 0 }}>
      {badge ? `${t(`calendar.badge.${badge}`)} · ` : ''}
      {t(`calendar.type.${type}`)}
    </Tag>
  );
};
