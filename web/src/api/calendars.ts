import { api } from './client';
import type {
  AddDurationResult,
  Calendar,
  CalendarDay,
  CalendarWithDays,
  ItemList,
  MeasureResult,
  SetCalendarDayInput,
  UpdateCalendarInput,
} from './types';

export const listCalendars = (): Promise<ItemList<Calendar>> => api.get<ItemList<Calendar>>('/calendars');

/** The calendar with the special days (holidays, make-up working days) of one year. */
export const getCalendar = (id: number, year: number): Promise<CalendarWithDays> =>
  api.get<CalendarWithDays>(`/calendars/${id}`, { year });

export const updateCalendar = (id: number, input: UpdateCalendarInput): Promise<Calendar> =>
  api.patch<Calendar>(`/calendars/${id}`, input);

/** Makes a date a holiday or a working day. */
export const setCalendarDay = (id: number, date: string, input: SetCalendarDayInput): Promise<CalendarDay> =>
  api.put<CalendarDay>(`/calendars/${id}/days/${date}`, input);

/** The date follows the weekly hours again. */
export const removeCalendarDay = (id: number, date: string): Promise<void> =>
  api.delete(`/calendars/${id}/days/${date}`);

/** When `duration` (`2wh`, `1wd`, `4h` …) from `start` (ISO with offset) runs out. */
export const addDuration = (
  id: number,
  input: { start: string; duration: string },
): Promise<AddDurationResult> => api.post<AddDurationResult>(`/calendars/${id}/add`, input);

/** Working time between two instants (ISO with offset). */
export const measureDuration = (id: number, input: { start: string; end: string }): Promise<MeasureResult> =>
  api.post<MeasureResult>(`/calendars/${id}/measure`, input);
