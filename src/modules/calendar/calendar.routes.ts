import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { ZIdParams } from '../org/org.schema.js';
import {
  ZAddDurationInput,
  ZAddDurationReply,
  ZCalendar,
  ZCalendarDay,
  ZCreateCalendarInput,
  ZDateParams,
  ZMeasureInput,
  ZMeasureReply,
  ZSeedOfficialInput,
  ZSetDayInput,
  ZUpdateCalendarInput,
  ZYearQuery,
} from './calendar.schema.js';
import { addDuration, measureDuration } from './calendar-clock.service.js';
import {
  createCalendar,
  getCalendar,
  listCalendars,
  loadOfficialHolidays,
  removeCalendarDay,
  setCalendarDay,
  updateCalendar,
} from './calendar.service.js';

/** Working calendars under /api/v1/calendars, including the clock maths for integrations. */
export const calendarRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['calendars'];

  app.get(
    '/api/v1/calendars',
    { schema: { tags, response: { 200: z.object({ items: z.array(ZCalendar) }) } } },
    async (req) => ({
      items: await listCalendars(depsOf(ctx, req)),
    }),
  );
  app.get(
    '/api/v1/calendars/:id',
    {
      schema: {
        tags,
        summary: 'A calendar with its holidays and working days (of one year with ?year=)',
        params: ZIdParams,
        querystring: ZYearQuery,
        response: { 200: ZCalendar.extend({ days: z.array(ZCalendarDay) }) },
      },
    },
    async (req) => getCalendar({ calendarId: req.params.id, year: req.query.year }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/calendars',
    { schema: { tags, body: ZCreateCalendarInput, response: { 201: ZCalendar } } },
    async (req, reply) => reply.status(201).send(await createCalendar(req.body, depsOf(ctx, req))),
  );
  app.patch(
    '/api/v1/calendars/:id',
    { schema: { tags, params: ZIdParams, body: ZUpdateCalendarInput, response: { 200: ZCalendar } } },
    async (req) => updateCalendar({ calendarId: req.params.id, patch: req.body }, depsOf(ctx, req)),
  );
  app.put(
    '/api/v1/calendars/:id/days/:date',
    {
      schema: {
        tags,
        summary: 'Make a date a holiday or a working day',
        params: ZDateParams,
        body: ZSetDayInput,
        response: { 200: ZCalendarDay },
      },
    },
    async (req) =>
      setCalendarDay({ calendarId: req.params.id, date: req.params.date, day: req.body }, depsOf(ctx, req)),
  );
  app.delete(
    '/api/v1/calendars/:id/days/:date',
    { schema: { tags, params: ZDateParams } },
    async (req, reply) => {
      await removeCalendarDay({ calendarId: req.params.id, date: req.params.date }, depsOf(ctx, req));
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/v1/calendars/:id/official-holidays',
    {
      schema: {
        tags,
        summary: 'Load the official Chinese holidays and make-up days of some years',
        params: ZIdParams,
        body: ZSeedOfficialInput,
        response: { 200: ZCalendar },
      },
    },
    async (req) => loadOfficialHolidays({ calendarId: req.params.id, ...req.body }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/calendars/:id/add',
    {
      schema: {
        tags,
        summary: 'When a duration (4h, 2wh, 1wd …) starting at a time runs out',
        params: ZIdParams,
        body: ZAddDurationInput,
        response: { 200: ZAddDurationReply },
      },
    },
    async (req) => addDuration({ calendarId: req.params.id, ...req.body }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/calendars/:id/measure',
    {
      schema: {
        tags,
        summary: 'Working time between two instants, minus pauses',
        params: ZIdParams,
        body: ZMeasureInput,
        response: { 200: ZMeasureReply },
      },
    },
    async (req) => measureDuration({ calendarId: req.params.id, ...req.body }, depsOf(ctx, req)),
  );
};
