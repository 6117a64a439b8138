/**
 * A date in a year outside the calendar's `coverage`: its holidays are unknown, so any answer
 * would be a guess. The service maps it to the AppError code `calendar.year_not_covered`.
 */
export class CalendarCoverageError extends Error {
  readonly year: number;
  readonly coverage: { fromYear: number; toYear: number };

  constructor(year: number, coverage: { fromYear: number; toYear: number }) {
    super(
      `The calendar does not cover the year ${year} (it knows ${coverage.fromYear}–${coverage.toYear}); add the holidays of ${year} first`,
    );
    this.name = 'CalendarCoverageError';
    this.year = year;
    this.coverage = coverage;
  }
}

/** A duration string that is not like `4h`, `30m`, `2wh`, `90wm` or `1wd` (→ `calendar.bad_duration`). */
export class DurationSyntaxError extends Error {
  readonly duration: string;

  constructor(duration: string, reason: string) {
    super(`Invalid duration ${JSON.stringify(duration)}: ${reason}`);
    this.name = 'DurationSyntaxError';
    this.duration = duration;
  }
}
