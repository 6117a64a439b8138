// Dispatch campaigns (派单): types of the v1 campaigns API, written by hand after
// src/modules/campaigns/campaigns.schema.ts and campaign-figures.service.ts (the web does not import
// server code), the calls, and the TanStack Query keys of everything under /campaigns,
// /campaign-figures and /target-lists.

import { api } from './client';
import type { CaseSummary } from './cases';

export type AssignTo = 'unit_manager' | 'round_robin';

/** Where each target goes: by the row's unit code, through a mapping table, or all to one unit. */
export type AssignmentRule =
  | { by: 'unit_column'; assignTo: AssignTo }
  | { by: 'mapping'; map: Record<string, string>; assignTo: AssignTo }
  | { by: 'single_unit'; unitCode: string; assignTo: AssignTo };

export type CampaignMode = 'all_or_nothing' | 'skip_bad';

export type Campaign = {
  id: number;
  key: string;
  name: string;
  nameEn: string | null;
  caseType: string;
  unit: { id: number; name: string };
  category: string | null;
  rule: AssignmentRule;
  visitCaseType: string | null;
  /** The month the list covers (清单月份), YYYY-MM. */
  period: string;
  targetCount: number;
  createdAt: string;
};

export type CreateCampaignInput = {
  key: string;
  name: string;
  nameEn?: string;
  caseType: string;
  unitId: number;
  category?: string;
  rule: AssignmentRule;
  visitCaseType?: string;
  /** The month the list covers, YYYY-MM (by default the month of creation). */
  period?: string;
  mode?: CampaignMode;
  /** The key of an imported target list. */
  list: string;
};

export type TargetProblem = {
  row: number;
  externalKey: string | null;
  field: string;
  code: string;
  message: string;
};

export type CreateCampaignResult = {
  campaign: Campaign;
  dispatched: number;
  assignees: { userId: number; name: string; count: number }[];
  rejected: TargetProblem[];
};

/** An imported target list (派单清单) a campaign can dispatch. */
export type TargetList = {
  key: string;
  name: string;
  caseType: string;
  unit: { id: number; name: string };
  rowCount: number;
  createdAt: string;
  updatedAt: string;
};

export type CampaignFigureRow = {
  key: string;
  label: string;
  targets: number;
  followedUp: number;
  followUpRate: number | null;
  reached: number;
  reachedRate: number | null;
  reactivated: number;
  reactivationRate: number | null;
  netDisconnections: number;
  otherReason: number;
};

export type ReasonShare = { key: string; name: string; count: number; share: number | null };
export type ReasonRow = ReasonShare & { children: ReasonShare[] };

export type CampaignFigures = {
  campaigns: { key: string; name: string }[];
  total: CampaignFigureRow;
  byCategory: CampaignFigureRow[];
  byUnit: CampaignFigureRow[];
  byAssignee: CampaignFigureRow[];
  reasons: ReasonRow[];
  reasonsByCategory: Record<string, ReasonRow[]>;
};

export type TargetStatus = 'open' | 'closed';
export type TargetContact = 'reached' | 'unreachable' | 'none';

export type TargetsQuery = {
  page: number;
  pageSize: number;
  status?: TargetStatus;
  contact?: TargetContact;
  q?: string;
};

export type CampaignTargetItem = {
  externalKey: string;
  row: number;
  case: CaseSummary;
  reasonCode: string | null;
  /** The reason with its parents, e.g. 联系不上 · 空号. */
  reasonName: string | null;
  reactivated: boolean | null;
  data: Record<string, string | number | boolean | null>;
  visit: {
    caseId: number;
    status: CaseSummary['status'];
    assignee: { id: number; name: string } | null;
  } | null;
};

export type TargetsPage = { total: number; items: CampaignTargetItem[] };

/** The campaign target behind a follow-up or visit case (GET /cases/:id/campaign-target). */
export type CaseCampaignTarget = {
  campaign: { key: string; name: string };
  externalKey: string;
  row: number;
  /** The target's data labelled by the follow-up type's fields. */
  fields: { key: string; label: string; value: string | number | boolean | null }[];
  followUp: {
    caseId: number;
    status: CaseSummary['status'];
    reasonName: string | null;
    feedback: string | null;
  };
  visit: CampaignTargetItem['visit'];
  /** Whether the caller may escalate it to a visit now. */
  canEscalate: boolean;
};

export type VisitInput = { assigneeUserId?: number; note?: string };

/* ---- Calls ---- */

const seg = encodeURIComponent;

export const listCampaigns = (): Promise<Campaign[]> => api.get<Campaign[]>('/campaigns');
export const getCampaign = (key: string): Promise<Campaign> => api.get<Campaign>(`/campaigns/${seg(key)}`);
export const createCampaign = (input: CreateCampaignInput): Promise<CreateCampaignResult> =>
  api.post<CreateCampaignResult>('/campaigns', input);
export const listTargetLists = (): Promise<TargetList[]> => api.get<TargetList[]>('/target-lists');
export const getCampaignFigures = (key: string): Promise<CampaignFigures> =>
  api.get<CampaignFigures>('/campaign-figures', { campaign: key });
export const listCampaignTargets = (key: string, query: TargetsQuery): Promise<TargetsPage> =>
  api.get<TargetsPage>(`/campaigns/${seg(key)}/targets`, {
    page: query.page,
    pageSize: query.pageSize,
    status: query.status,
    contact: query.contact,
    q: query.q,
  });
export const getCaseCampaignTarget = (caseId: number): Promise<CaseCampaignTarget> =>
  api.get<CaseCampaignTarget>(`/cases/${caseId}/campaign-target`);
export const escalateToVisit = (key: string, externalKey: string, input: VisitInput) =>
  api.post<{ caseId: number }>(`/campaigns/${seg(key)}/targets/${seg(externalKey)}/visit`, input);

/* ---- Query keys (everything under ['campaigns'] refreshes together) ---- */

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: ['campaigns', 'list'] as const,
  detail: (key: string) => ['campaigns', 'detail', key] as const,
  figures: (key: string) => ['campaigns', 'detail', key, 'figures'] as const,
  targets: (key: string, q: TargetsQuery) => ['campaigns', 'detail', key, 'targets', q] as const,
  targetLists: ['target-lists'] as const,
  /** Under the case's own key, so that every change of the case refreshes it. */
  ofCase: (caseId: number) => ['cases', 'detail', caseId, 'campaign-target'] as const,
};
