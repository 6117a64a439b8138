// Analysis reports (分析报告): types of the v1 reports API after src/modules/reports/reports.routes.ts
// and reports.service.ts, the calls and the query keys.

import { API_BASE, ApiError, api } from './client';

export const REPORT_FORMATS = ['docx', 'html', 'md', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type ReportTemplate = { key: string; name: string; nameEn: string; source: string };

export type GenerateReportInput = {
  template: string;
  /** The month, `YYYY-MM`. */
  period: string;
  unitId: number;
  format: ReportFormat;
};

export type ReportSummary = {
  id: number;
  template: string;
  period: string;
  unit: { id: number; name: string };
  format: ReportFormat;
  title: string;
  fileName: string;
  size: number;
  createdAt: string;
};

export const listReportTemplates = (): Promise<ReportTemplate[]> =>
  api.get<ReportTemplate[]>('/report-templates');
export const listReports = (): Promise<ReportSummary[]> => api.get<ReportSummary[]>('/reports');
export const generateReport = (input: GenerateReportInput): Promise<ReportSummary> =>
  api.post<ReportSummary>('/reports', input);

/** Where the browser downloads a stored report (same-origin cookie; a GET needs no CSRF token). */
export const reportFileUrl = (id: number): string => `${API_BASE}/reports/${id}/file`;

/** A stored HTML report's text, for the preview (the file route answers it as an attachment). */
export const fetchReportHtml = async (id: number, fallbackMessage: string): Promise<string> => {
  let res: Response;
  try {
    res = await fetch(reportFileUrl(id), { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network.error', fallbackMessage);
  }
  if (!res.ok) {
    let code = `http.${res.status}`;
    let message = fallbackMessage;
    try {
      const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string' && body.error.message) message = body.error.message;
    } catch {
      // Not JSON: the fallback words stand.
    }
    throw new ApiError(res.status, code, message);
  }
  return res.text();
};

export const reportKeys = {
  all: ['reports'] as const,
  list: ['reports', 'list'] as const,
  templates: ['report-templates'] as const,
  html: (id: number) => ['reports', 'html', id] as const,
};
