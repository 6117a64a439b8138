import type { Generated } from 'kysely';

/** A dispatch campaign (派单): a target list turned into follow-up cases of one case type. */
export type CampaignTable = {
  id: Generated<number>;
  key: string;
  name: string;
  nameEn: string | null;
  caseTypeId: number;
  /** The unit that runs the campaign (a branch); its subtree holds the targets' units. */
  unitId: number;
  /** The case type's category the follow-ups are filed under when the rows do not say (product line). */
  categoryKey: string | null;
  /** The assignment rule as given (JSON of ZAssignmentRule). */
  ruleJson: string;
  /** For the door-to-door visits unreachable targets escalate to; null: no visits. */
  visitCaseTypeId: number | null;
  targetCount: number;
  /** The month the list covers (清单月份, YYYY-MM): the reports of that month count the campaign. */
  period: string | null;
  createdByUserId: number | null;
  createdAt: string;
};

/** One target of a campaign and the follow-up case it became. */
export type CampaignTargetTable = {
  campaignId: number;
  externalKey: string;
  /** Spreadsheet row the target came from (the header is row 1); 0 when given by the API. */
  rowNumber: number;
  caseId: number;
  /** The target's own data (arrears, package, address …) as JSON, shown before a visit. */
  dataJson: string;
  visitCaseId: number | null;
};

/** An imported target list (派单清单), waiting to be dispatched as a campaign. */
export type TargetListTable = {
  id: Generated<number>;
  key: string;
  name: string;
  /** The case type whose fields the list's columns fill. */
  caseTypeId: number;
  /** The unit the list belongs to (its targets lie in its subtree). */
  unitId: number;
  rowCount: number;
  createdByUserId: number | null;
  createdAt: string;
  updatedAt: string;
};

/** One row of a target list, by external key: importing the file again updates it. */
export type TargetListRowTable = {
  listId: number;
  externalKey: string;
  rowNumber: number;
  unit: string | null;
  category: string | null;
  /** The case-type fields of the row, converted (JSON). */
  dataJson: string;
};

export type CampaignsTables = {
  campaigns: CampaignTable;
  campaignTargets: CampaignTargetTable;
  targetLists: TargetListTable;
  targetListRows: TargetListRowTable;
};
