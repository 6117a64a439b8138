import { describe, expect, it } from 'vitest';
import { alertsOfSeries } from '../indicators/indicator-alerts.service.js';
import type { Part } from '../indicators/indicator-store.js';
import { valueOf } from '../indicators/indicator-store.js';
import { partOfRow } from '../indicators/indicator-load-rows.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { generateSeriesRows, monthsBefore, monthsEndingWith } from './indicator-history.js';
import { parsePack, readPack } from './pack-files.js';

const pack = readPack('property-service');
const series = pack.series!;
const definitions = new Map(pack.indicators.map((d) => [d.key, d]));
const units = Object.values(series.groups).flat();
const generate = (last = '2026-10') => generateSeriesRows({ series, definitions, last });

describe('generated indicator series', () => {
  it('counts months across years', () => {
    expect(monthsEndingWith('2026-02', 3)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(monthsEndingWith('2026-10', 36)[0]).toBe('2023-11');
    expect(monthsBefore('2026-01', 1)).toBe('2025-12');
    expect(monthsBefore('2026-11', 0)).toBe('2026-11');
  });

  it('is deterministic: the same pack and end month give the same rows', () => {
    expect(generate()).toEqual(generate());
    // Another end month shifts the range (and the drift with it): not the same rows.
    expect(generate('2026-11')[0]!.rows).not.toEqual(generate()[0]!.rows);
  });

  it('gives every unit of the series 36 months, each row a valid load row', () => {
    const out = generate();
    expect(out.map((s) => s.key)).toEqual([
      'power.fee_recovery_rate',
      'power.line_loss_rate',
      'power.outage_hours',
      'power.supply_reliability',
      'power.average_price',
    ]);
    for (const s of out) {
      const def = definitions.get(s.key)!;
      const spec = series.indicators[s.key]!;
      expect(s.months).toHaveLength(36);
      expect(s.months.at(-1)).toBe('2026-10');
      expect(s.rows).toHaveLength(36 * units.length);
      for (const unit of units)
        expect(s.rows.filter((r) => r.unit === unit).map((r) => r.period)).toEqual(s.months);
      for (const row of s.rows) {
        expect(row.value, `${s.key} ${row.unit} ${row.period}`).toBeGreaterThanOrEqual(spec.bounds[0]);
        expect(row.value).toBeLessThanOrEqual(spec.bounds[1]);
        // What the load service would store: a ratio with its denominator, a mean with its weight.
        const part = partOfRow(def, row);
        expect(part, `${s.key} ${row.unit} ${row.period}`).not.toHaveProperty('field');
        if (def.measure.kind === 'ratio') expect(row.denominator).toBeGreaterThan(0);
        if (def.aggregation === 'weighted_mean') expect(row.weight).toBeGreaterThan(0);
      }
    }
  });

  it('keeps units apart and urban outages below rural ones', () => {
    const outage = generate().find((s) => s.key === 'power.outage_hours')!;
    const mean = (unit: string) => {
      const values = outage.rows.filter((r) => r.unit === unit).map((r) => r.value!);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    for (const urban of series.groups.urban!)
      for (const rural of series.groups.rural!) expect(mean(urban)).toBeLessThan(mean(rural));
    // Summer storms: July above March, summed over the units and years.
    const byMonth = (month: string) =>
      outage.rows.filter((r) => r.period.endsWith(month)).reduce((a, r) => a + r.value!, 0);
    expect(byMonth('-07')).toBeGreaterThan(byMonth('-03'));
  });

  it('drifts the declared units out of control in the last months, so the control chart flags them', () => {
    for (const s of generate()) {
      const def = definitions.get(s.key)!;
      const flagged = units.filter((unit) => {
        const rows = s.rows.filter((r) => r.unit === unit).slice(-18);
        const points = rows.map((r) => {
          const part = partOfRow(def, r) as Part;
          return { ...part, value: valueOf(def.aggregation, part) };
        });
        return alertsOfSeries(def, { periods: rows.map((r) => `${r.period}-01`), points }).length > 0;
      });
      const drifting = series.indicators[s.key]!.drift.map((d) => d.unit);
      expect(drifting.length, s.key).toBeGreaterThan(0);
      for (const unit of drifting) expect(flagged, s.key).toContain(unit);
      // Most units stay in control: the alerts point at someone.
      expect(flagged.length, s.key).toBeLessThanOrEqual(drifting.length + 1);
    }
  });

  it('refuses a pack whose indicators or series refer to what it does not have', () => {
    const broken = structuredClone(pack);
    broken.indicators[0]!.owner = 'nobody';
    broken.indicators[1]!.source = {
      kind: 'computed',
      from: 'cases.on_time_rate',
      params: { caseType: 'property.repair.home', clock: 'no_such_clock' },
    };
    broken.series!.groups.urban!.push('NO-SUCH-UNIT');
    delete broken.series!.indicators['power.fee_recovery_rate']!.denominator;
    broken.series!.indicators['property.callback_rate'] = broken.series!.indicators['power.line_loss_rate']!;
    let error: unknown;
    try {
      parsePack(broken);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.code).toBe('packs.invalid');
    const problem = isAppError(error) ? String(error.details.problem) : '';
    expect(problem).toContain('indicators.0.owner: unknown user nobody');
    expect(problem).toContain('indicators.1.source.params.clock: unknown clock no_such_clock');
    expect(problem).toContain('series.groups.urban.2: unknown unit NO-SUCH-UNIT');
    expect(problem).toContain('series.indicators.power.fee_recovery_rate.denominator: a ratio needs');
    expect(problem).toContain('property.callback_rate is computed');
  });
});
