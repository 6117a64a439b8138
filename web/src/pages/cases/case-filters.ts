import { CASE_SORTS, CASE_STATUSES, CASE_VIEWS } from '../../api/cases';
import type { CaseSort, CaseStatus, CaseView, CasesQuery } from '../../api/cases';

/** What the case list is filtered and sorted by: kept in the URL, and stored as named views. */
export type CaseFilters = {
  view: CaseView;
  caseType?: string;
  category?: string;
  priority?: string;
  status?: CaseStatus[];
  open?: boolean;
  unitId?: number;
  /** Include the units below `unitId` (default). */
  subtree: boolean;
  q?: string;
  sort: CaseSort;
};

export const DEFAULT_FILTERS: CaseFilters = { view: 'all', subtree: true, sort: 'created_desc' };

const oneOf = <T extends string>(list: readonly T[], value: string | null | undefined, fallback: T): T =>
  value && (list as readonly string[]).includes(value) ? (value as T) : fallback;

const positiveInt = (value: string | null): number | undefined => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

const text = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** Filters from the URL (`?view=overdue&type=repair&status=assigned,accepted&unit=3&q=漏水`). */
export const filtersFromParams = (params: URLSearchParams): CaseFilters => {
  const status = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is CaseStatus => (CASE_STATUSES as readonly string[]).includes(s));
  return {
    view: oneOf(CASE_VIEWS, params.get('view'), 'all'),
    caseType: text(params.get('type')),
    category: text(params.get('category')),
    priority: text(params.get('priority')),
    status: status.length ? status : undefined,
    open: params.get('open') === '1' ? true : undefined,
    unitId: positiveInt(params.get('unit')),
    subtree: params.get('subtree') !== '0',
    q: text(params.get('q')),
    sort: oneOf(CASE_SORTS, params.get('sort'), 'created_desc'),
  };
};

/** The URL of filters (defaults left out) plus the page. */
export const filtersToParams = (f: CaseFilters, page = 1, pageSize?: number): URLSearchParams => {
  const p = new URLSearchParams();
  if (f.view !== 'all') p.set('view', f.view);
  if (f.caseType) p.set('type', f.caseType);
  if (f.category) p.set('category', f.category);
  if (f.priority) p.set('priority', f.priority);
  if (f.status?.length) p.set('status', f.status.join(','));
  if (f.open) p.set('open', '1');
  if (f.unitId !== undefined) p.set('unit', String(f.unitId));
  if (!f.subtree) p.set('subtree', '0');
  if (f.q) p.set('q', f.q);
  if (f.sort !== 'created_desc') p.set('sort', f.sort);
  if (page > 1) p.set('page', String(page));
  if (pageSize !== undefined) p.set('size', String(pageSize));
  return p;
};

export const filtersToQuery = (f: CaseFilters): CasesQuery => ({
  view: f.view,
  caseType: f.caseType,
  category: f.category,
  priority: f.priority,
  status: f.status,
  open: f.open,
  unitId: f.unitId,
  subtree: f.unitId === undefined ? undefined : f.subtree,
  q: f.q,
  sort: f.sort,
});

/** Whether anything narrows the list beyond the view tab. */
export const isFiltered = (f: CaseFilters): boolean =>
  Boolean(f.caseType || f.category || f.priority || f.status?.length || f.open || f.unitId || f.q);

/* ---- Saved views: named filter sets in localStorage, per user ---- */

export type SavedView = { name: string; filters: CaseFilters };

const storageKey = (userId: number) => `gk_case_views_${userId}`;
const MAX_VIEWS = 30;

export const readSavedViews = (userId: number): SavedView[] => {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((item: unknown): SavedView[] => {
      if (typeof item !== 'object' || item === null) return [];
      const { name, filters } = item as { name?: unknown; filters?: unknown };
      if (typeof name !== 'string' || typeof filters !== 'object' || filters === null) return [];
      // Stored values go through the URL parser: an old or edited entry never breaks the page.
      try {
        const asParams = filtersToParams({ ...DEFAULT_FILTERS, ...(filters as Partial<CaseFilters>) });
        return [{ name, filters: filtersFromParams(asParams) }];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
};

export const writeSavedViews = (userId: number, views: SavedView[]): void => {
  try {
    localStorage.setItem(storageKey(userId), JSON.stringify(views.slice(0, MAX_VIEWS)));
  } catch {
    // Storage full or disabled: the view is only kept for this visit.
  }
};
