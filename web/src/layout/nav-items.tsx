import {
  ApartmentOutlined,
  ApiOutlined,
  AimOutlined,
  BellOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  FileTextOutlined,
  FundOutlined,
  HomeOutlined,
  SafetyCertificateOutlined,
  SolutionOutlined,
  LineChartOutlined,
  OrderedListOutlined,
  TeamOutlined,
  UserSwitchOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Permission } from '../api/types';

export type NavKey =
  | 'home'
  | 'org'
  | 'users'
  | 'audit'
  | 'calendars'
  | 'customers'
  | 'cases'
  | 'casesTally'
  | 'caseFigures'
  | 'campaigns'
  | 'imports'
  | 'risks'
  | 'checks'
  | 'budgets'
  | 'indicators'
  | 'reports'
  | 'inbox'
  | 'webhooks';

export type NavItem = {
  key: NavKey;
  path: string;
  icon: ReactNode;
  group: 'modules' | 'system';
  /** Shown only to users with this permission. */
  permission?: Permission;
  /** Not built yet: shown greyed out with a "coming soon" tag. */
  comingSoon?: boolean;
};

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'home', path: '/', icon: <HomeOutlined />, group: 'modules', permission: 'indicators.read' },
  { key: 'inbox', path: '/inbox', icon: <BellOutlined />, group: 'modules' },
  { key: 'org', path: '/org', icon: <ApartmentOutlined />, group: 'modules' },
  {
    key: 'customers',
    path: '/customers',
    icon: <TeamOutlined />,
    group: 'modules',
    permission: 'customers.read',
  },
  { key: 'cases', path: '/cases', icon: <SolutionOutlined />, group: 'modules', permission: 'cases.read' },
  {
    key: 'casesTally',
    path: '/cases-tally',
    icon: <OrderedListOutlined />,
    group: 'modules',
    permission: 'cases.read',
  },
  {
    key: 'caseFigures',
    path: '/case-figures',
    icon: <LineChartOutlined />,
    group: 'modules',
    permission: 'cases.read',
  },
  {
    key: 'campaigns',
    path: '/campaigns',
    icon: <AimOutlined />,
    group: 'modules',
    permission: 'cases.read',
  },
  { key: 'risks', path: '/risks', icon: <SafetyCertificateOutlined />, group: 'modules', comingSoon: true },
  { key: 'checks', path: '/checks', icon: <FileTextOutlined />, group: 'modules', comingSoon: true },
  { key: 'budgets', path: '/budgets', icon: <WalletOutlined />, group: 'modules', comingSoon: true },
  {
    key: 'indicators',
    path: '/indicators',
    icon: <FundOutlined />,
    group: 'modules',
    permission: 'indicators.read',
  },
  {
    key: 'reports',
    path: '/reports',
    icon: <BarChartOutlined />,
    group: 'modules',
    permission: 'cases.read',
  },
  // Importing writes data of many modules; each import target checks its own permission.
  { key: 'imports', path: '/imports', icon: <CloudUploadOutlined />, group: 'system' },
  { key: 'users', path: '/users', icon: <UserSwitchOutlined />, group: 'system', permission: 'users.manage' },
  { key: 'audit', path: '/audit', icon: <AuditOutlined />, group: 'system', permission: 'audit.read' },
  // Everyone reads the calendar (deadlines are computed with it); changing it needs calendar.manage.
  { key: 'calendars', path: '/calendars', icon: <CalendarOutlined />, group: 'system' },
  {
    key: 'webhooks',
    path: '/webhooks',
    icon: <ApiOutlined />,
    group: 'system',
    permission: 'notifications.manage',
  },
];

export const navItemForPath = (pathname: string): NavItem | undefined =>
  NAV_ITEMS.find((item) => pathname === item.path || pathname.startsWith(`${item.path}/`));
