import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, RouterProvider, createBrowserRouter } from 'react-router';
import { ApiError, configureApiClient } from './api/client';
import { RequireAuth, RequirePermission } from './auth/require-auth';
import { SessionProvider, useCan } from './auth/session-context';
import { ErrorBoundary, RouteErrorPage } from './components/error-boundary';
import { currentLanguage, i18n } from './i18n';
import { AppLayout } from './layout/app-layout';
import { LoginPage } from './pages/login/login-page';
import { NotFoundPage } from './pages/errors/not-found-page';
import { appTheme } from './theme';

configureApiClient({
  getLanguage: currentLanguage,
  fallbackMessage: (kind, status) =>
    kind === 'network' ? i18n.t('errors.network') : i18n.t('errors.http', { status: status ?? 0 }),
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change by asking again; a dropped connection might.
      retry: (failureCount, error) =>
        failureCount < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
    mutations: { retry: false },
  },
});

const OrgPage = lazy(() => import('./pages/org/org-page').then((m) => ({ default: m.OrgPage })));
const UsersPage = lazy(() => import('./pages/users/users-page').then((m) => ({ default: m.UsersPage })));
const CalendarsPage = lazy(() =>
  import('./pages/calendars/calendars-page').then((m) => ({ default: m.CalendarsPage })),
);
const CustomersPage = lazy(() =>
  import('./pages/customers/customers-page').then((m) => ({ default: m.CustomersPage })),
);
const DashboardPage = lazy(() =>
  import('./pages/dashboard/dashboard-page').then((m) => ({ default: m.DashboardPage })),
);
const IndicatorsPage = lazy(() =>
  import('./pages/indicators/indicators-page').then((m) => ({ default: m.IndicatorsPage })),
);
const IndicatorPage = lazy(() =>
  import('./pages/indicators/indicator-page').then((m) => ({ default: m.IndicatorPage })),
);
const CasesPage = lazy(() => import('./pages/cases/cases-page').then((m) => ({ default: m.CasesPage })));
const CasePage = lazy(() => import('./pages/cases/case-page').then((m) => ({ default: m.CasePage })));
const TallyPage = lazy(() => import('./pages/cases/tally-page').then((m) => ({ default: m.TallyPage })));
const FiguresPage = lazy(() =>
  import('./pages/cases/figures-page').then((m) => ({ default: m.FiguresPage })),
);
const CampaignsPage = lazy(() =>
  import('./pages/campaigns/campaigns-page').then((m) => ({ default: m.CampaignsPage })),
);
const CampaignPage = lazy(() =>
  import('./pages/campaigns/campaign-page').then((m) => ({ default: m.CampaignPage })),
);
const ReportsPage = lazy(() =>
  import('./pages/reports/reports-page').then((m) => ({ default: m.ReportsPage })),
);
const ImportsPage = lazy(() =>
  import('./pages/imports/imports-page').then((m) => ({ default: m.ImportsPage })),
);
const AuditPage = lazy(() => import('./pages/audit/audit-page').then((m) => ({ default: m.AuditPage })));
const InboxPage = lazy(() => import('./pages/inbox-page').then((m) => ({ default: m.InboxPage })));
const WebhooksPage = lazy(() => import('./pages/webhooks-page').then((m) => ({ default: m.WebhooksPage })));

/** The home page: the dashboard for whoever may read indicators, else the organisation. */
const Home = () => (useCan('indicators.read') ? <DashboardPage /> : <Navigate to="/org" replace />);

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: <RouteErrorPage /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <Home /> },
      { path: 'org', element: <OrgPage /> },
      {
        path: 'indicators',
        element: (
          <RequirePermission permission="indicators.read">
            <IndicatorsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'indicators/:key',
        element: (
          <RequirePermission permission="indicators.read">
            <IndicatorPage />
          </RequirePermission>
        ),
      },
      {
        path: 'customers',
        element: (
          <RequirePermission permission="customers.read">
            <CustomersPage />
          </RequirePermission>
        ),
      },
      {
        path: 'cases',
        element: (
          <RequirePermission permission="cases.read">
            <CasesPage />
          </RequirePermission>
        ),
      },
      {
        path: 'cases/:id',
        element: (
          <RequirePermission permission="cases.read">
            <CasePage />
          </RequirePermission>
        ),
      },
      {
        path: 'cases-tally',
        element: (
          <RequirePermission permission="cases.read">
            <TallyPage />
          </RequirePermission>
        ),
      },
      {
        path: 'case-figures',
        element: (
          <RequirePermission permission="cases.read">
            <FiguresPage />
          </RequirePermission>
        ),
      },
      {
        path: 'campaigns',
        element: (
          <RequirePermission permission="cases.read">
            <CampaignsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'campaigns/:key',
        element: (
          <RequirePermission permission="cases.read">
            <CampaignPage />
          </RequirePermission>
        ),
      },
      {
        path: 'reports',
        element: (
          <RequirePermission permission="cases.read">
            <ReportsPage />
          </RequirePermission>
        ),
      },
      { path: 'imports', element: <ImportsPage /> },
      {
        path: 'users',
        element: (
          <RequirePermission permission="users.manage">
            <UsersPage />
          </RequirePermission>
        ),
      },
      {
        path: 'audit',
        element: (
          <RequirePermission permission="audit.read">
            <AuditPage />
          </RequirePermission>
        ),
      },
      { path: 'calendars', element: <CalendarsPage /> },
      { path: 'inbox', element: <InboxPage /> },
      {
        path: 'webhooks',
        element: (
          <RequirePermission permission="notifications.manage">
            <WebhooksPage />
          </RequirePermission>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

/** antd's own texts (pagination, pickers, Empty, confirm buttons) follow the UI language. */
const LocalisedAntd = () => {
  const { i18n: instance } = useTranslation();
  const antdLocale = instance.language === 'en' ? enUS : zhCN;
  return (
    <ConfigProvider locale={antdLocale} theme={appTheme} button={{ autoInsertSpace: false }}>
      <AntApp message={{ maxCount: 3, top: 64 }} notification={{ placement: 'topRight' }}>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
};

export const App = () => (
  <ErrorBoundary>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <LocalisedAntd />
      </SessionProvider>
    </QueryClientProvider>
  </ErrorBoundary>
);
