import type { Generated } from 'kysely';

/** An indicator (指标): its definition as validated JSON (ZIndicatorDefinition). */
export type IndicatorTable = {
  id: Generated<number>;
  key: string;
  definitionJson: string;
  /** The owner named in the definition, resolved to a user when it was written. */
  ownerUserId: number | null;
  /** The pack that declared it, or null for one defined by hand. */
  pack: string | null;
  createdAt: string;
  updatedAt: string;
};

/**
 * The value of an indicator for a unit and period (its first day), twice: the unit's own part
 * (`own*`: the cases registered in the unit itself, the series loaded for it) and the roll-up of its
 * subtree (`tree*`), kept from the own parts so that a manager's dashboard and a ranking read one
 * row per unit. Numerator and denominator are kept so that every roll-up is exact: a ratio's
 * met/stopped, a weighted mean's Σ value·weight / Σ weight; a sum or a max keeps its value as
 * numerator and no denominator. A unit with no own part but a subtree has null own columns.
 */
export type IndicatorValueTable = {
  indicatorId: number;
  unitId: number;
  period: string;
  ownNumerator: number | null;
  ownDenominator: number | null;
  ownValue: number | null;
  treeNumerator: number;
  treeDenominator: number | null;
  treeValue: number | null;
  /** 'computed' | 'loaded': where the own part comes from. */
  origin: string;
  /** When the own part last changed, and who loaded it (null: computed). */
  recordedAt: string;
  recordedByUserId: number | null;
};

/**
 * Every version of a unit's own part, oldest first: the values as they stood at any moment ("as
 * of" the end of October, before November's late data) and the history of corrections. A version
 * is current until `supersededAt`; a removed value is a version with a null value.
 */
export type IndicatorValueVersionTable = {
  id: Generated<number>;
  indicatorId: number;
  unitId: number;
  period: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  origin: string;
  recordedAt: string;
  recordedByUserId: number | null;
  supersededAt: string | null;
  /** Why it changed: 'recompute' | 'load' | 'correction' | 'removed'. */
  note: string;
};

/** A control-chart alert raised once per indicator, unit and Western Electric episode. */
export type IndicatorAlertTable = {
  id: Generated<number>;
  indicatorId: number;
  unitId: number;
  /** The rule and side and where the episode starts, e.g. `we1:below:2026-10-01` (stable). */
  alertKey: string;
  rule: number;
  side: string;
  /** The period of the point that completed the pattern first. */
  period: string;
  value: number;
  centre: number;
  raisedAt: string;
};

export type IndicatorsTables = {
  indicators: IndicatorTable;
  indicatorValues: IndicatorValueTable;
  indicatorValueVersions: IndicatorValueVersionTable;
  indicatorAlerts: IndicatorAlertTable;
};
