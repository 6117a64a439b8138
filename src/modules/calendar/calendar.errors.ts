import { defineErrors } from '../../platform/errors/define-errors.js';

export const calendarErrors = defineErrors({
  /** The calendar does not exist. */
  'calendar.not_found': { kind: 'not_found', zh: '工作日历不存在', en: 'Calendar not found' },
  /** Another calendar already uses this code. */
  'calendar.code_taken': {
    kind: 'conflict',
    zh: '日历编码 {code} 已被使用',
    en: 'Calendar code {code} is already in use',
  },
  /** A date in a year whose holidays the calendar does not know; never guessed. */
  'calendar.year_not_covered': {
    kind: 'invalid',
    zh: '工作日历未覆盖 {year} 年（请先维护该年的节假日）',
    en: 'The calendar does not cover the year {year} (add its holidays first)',
  },
  /** A duration string that is not like 4h, 30m, 2wh, 90wm or 1wd. */
  'calendar.bad_duration': {
    kind: 'invalid',
    zh: '时长格式有误：{duration}（示例：4h、30m、2wh、1wd）',
    en: 'Invalid duration: {duration} (e.g. 4h, 30m, 2wh, 1wd)',
  },
  /** No official holiday data for a requested year. */
  'calendar.no_official_data': {
    kind: 'invalid',
    zh: '没有 {year} 年的官方节假日数据',
    en: 'No official holiday data for {year}',
  },
});
