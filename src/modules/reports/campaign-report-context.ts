import type { Deps } from '../../platform/deps.js';
import type { CampaignFigureRow, CampaignFigures, ReasonRow } from '../campaigns/campaign-figures.service.js';
import { figuresOfCampaigns } from '../campaigns/campaign-figures.service.js';
import { otherReason, unreachableReason } from '../campaigns/campaigns.service.js';
import type { ReportPeriod } from './report-period.js';

/*
 * The data context of campaign reports (source `campaigns`): the figures of the campaigns created
 * in the month and in the month before, in the unit's subtree, with what the sentences compare —
 * each reason's share against last month's, who has targets still without feedback, which
 * reason is first. Templates read it by path (docs/reports.md lists the paths).
 */

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

type Row = CampaignFigureRow & { pending: number; otherShare: number | null };
const withPending = (r: CampaignFigureRow): Row => ({
  ...r,
  pending: r.targets - r.followedUp,
  otherShare: ratio(r.otherReason, r.followedUp),
});

/** Reasons with last month's share and the change, and their sub-reasons in one phrase. */
const compared = (current: ReasonRow[], previous: ReasonRow[] | undefined) =>
  current.map((r) => {
    const before = previous?.find((p) => p.key === r.key);
    const shareChange = before && r.share !== null && before.share !== null ? r.share - before.share : null;
    const pp = shareChange === null ? null : Math.round(shareChange * 1000) / 10;
    return {
      ...r,
      previousShare: before?.share ?? null,
      shareChange,
      changeText:
        pp === null
          ? ''
          : pp === 0
            ? '，与上月持平'
            : `，较上月${pp > 0 ? '上升' : '下降'} ${Math.abs(pp).toFixed(1)} 个百分点`,
      childrenText:
        r.children.length === 0
          ? ''
          : `（其中${r.children.map((c) => `${c.name} ${c.count} 户`).join('、')}）`,
    };
  });

const shareOf = (figures: CampaignFigures | null, key: string) => {
  if (!figures || figures.total.followedUp === 0) return null;
  return (figures.reasons.find((r) => r.key === key)?.count ?? 0) / figures.total.followedUp;
};

export const campaignReportContext = async (
  { unitId, period }: { unitId: number; period: ReportPeriod },
  deps: Pick<Deps, 'db' | 'actor'>,
) => {
  const [current, previous] = await Promise.all([
    figuresOfCampaigns({ period: period.key, unitId }, deps),
    figuresOfCampaigns({ period: period.previous.key, unitId }, deps),
  ]);
  const hadPrevious = previous.campaigns.length > 0;
  const byCategory = current.byCategory.map((c) => ({
    ...withPending(c),
    reasons: compared(
      current.reasonsByCategory[c.key] ?? [],
      hadPrevious ? previous.reasonsByCategory[c.key] : undefined,
    ),
  }));
  // Every category's reasons in one list, for sentences such as "a share rose by ≥ 5 points".
  const reasonChanges = byCategory.flatMap((c) =>
    c.reasons.map((r) => ({
      category: c.label,
      key: r.key,
      name: r.name,
      share: r.share,
      shareChange: r.shareChange,
    })),
  );
  const reasonKeys = new Set([...current.reasons, ...previous.reasons].map((r) => r.key));
  return {
    current: {
      campaigns: current.campaigns,
      total: withPending(current.total),
      byCategory,
      byUnit: current.byUnit.map(withPending),
      byAssignee: current.byAssignee.map(withPending),
      reasons: compared(current.reasons, hadPrevious ? previous.reasons : undefined),
      reasonChanges,
      topReasonKey: current.reasons[0]?.key ?? null,
      unreachable: current.reasons.find((r) => r.key === unreachableReason)?.count ?? 0,
      other: current.reasons.find((r) => r.key === otherReason)?.count ?? 0,
    },
    previous: hadPrevious ? { campaigns: previous.campaigns, total: withPending(previous.total) } : null,
    change: hadPrevious
      ? {
          netDisconnections: current.total.netDisconnections - previous.total.netDisconnections,
          reactivationRate:
            current.total.reactivationRate !== null && previous.total.reactivationRate !== null
              ? current.total.reactivationRate - previous.total.reactivationRate
              : null,
          ...Object.fromEntries(
            [...reasonKeys].map((key) => {
              const now = shareOf(current, key);
              const before = shareOf(previous, key);
              return [`${camel(key)}Share`, now !== null && before !== null ? now - before : null];
            }),
          ),
        }
      : null,
  };
};

/** `other_carrier` → `otherCarrier`, for `change.otherCarrierShare`. */
const camel = (key: string) => key.replace(/[._-](\w)/g, (_m, c: string) => c.toUpperCase());
