import { MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Flex, Layout, Menu, Tag, Tooltip } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession } from '../auth/session-context';
import { ErrorBoundary } from '../components/error-boundary';
import { PageLoading } from '../components/page-loading';
import { ProductMark } from '../components/product-mark';
import { NAV_ITEMS, navItemForPath } from './nav-items';
import type { NavItem } from './nav-items';
import { NotificationBell } from '../components/notification-bell';
import { UserMenu } from './user-menu';

const COLLAPSE_KEY = 'gk_sider_collapsed';

const readCollapsed = (): boolean => {
  try {
    return localStorage.getItem(COLLAPSE_KEY) === '1';
  } catch {
    return false;
  }
};

export const AppLayout = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(readCollapsed);

  const visible = NAV_ITEMS.filter((item) => !item.permission || can(item.permission));
  const toMenuItem = (item: NavItem): NonNullable<MenuProps['items']>[number] => ({
    key: item.path,
    icon: item.icon,
    disabled: item.comingSoon,
    title: item.comingSoon ? `${t(`nav.${item.key}`)} · ${t('common.comingSoon')}` : t(`nav.${item.key}`),
    label: item.comingSoon ? (
      <Flex justify="space-between" align="center" gap={6} data-testid={`nav-${item.key}`}>
        <span className="gk-nav-label">{t(`nav.${item.key}`)}</span>
        <Tag className="gk-soon-tag" variant="filled">
          {t('common.comingSoon')}
        </Tag>
      </Flex>
    ) : (
      <Link to={item.path} data-testid={`nav-${item.key}`}>
        {t(`nav.${item.key}`)}
      </Link>
    ),
  });

  const moduleItems = visible.filter((i) => i.group === 'modules').map(toMenuItem);
  const systemItems = visible.filter((i) => i.group === 'system').map(toMenuItem);
  const menuItems: MenuProps['items'] = [
    { type: 'group', key: 'g-modules', label: collapsed ? null : t('nav.modules'), children: moduleItems },
    ...(systemItems.length
      ? [
          {
            type: 'group' as const,
            key: 'g-system',
            label: collapsed ? null : t('nav.system'),
            children: systemItems,
          },
        ]
      : []),
  ];

  const current = navItemForPath(location.pathname);
  const toggle = () => {
    const next = !collapsed;
    setCollapsed(next);
    try {
      localStorage.setItem(COLLAPSE_KEY, next ? '1' : '0');
    } catch {
      // Only a preference.
    }
  };

  return (
    <Layout className="gk-app" style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={236}
        collapsedWidth={64}
        collapsed={collapsed}
        theme="dark"
        className="gk-sider"
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <Link to="/" className="gk-sider-brand" aria-label="管控 Guankong">
          <ProductMark collapsed={collapsed} size={30} />
        </Link>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={current ? [current.path] : []}
          items={menuItems}
          onClick={({ key, domEvent }) => {
            // The label is a <Link> already; only clicks on the padding around it need navigating.
            const target = domEvent.target;
            if (target instanceof Element && target.closest('a')) return;
            if (key !== location.pathname) navigate(key);
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="gk-header">
          <Flex align="center" gap={12} style={{ minWidth: 0 }}>
            <Tooltip title={collapsed ? t('nav.expand') : t('nav.collapse')}>
              <Button
                type="text"
                icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
                onClick={toggle}
                aria-label={collapsed ? t('nav.expand') : t('nav.collapse')}
              />
            </Tooltip>
            <Breadcrumb
              items={[
                { title: <Link to="/">{t('app.name')}</Link> },
                ...(current
                  ? [
                      { title: t(current.group === 'system' ? 'nav.system' : 'nav.modules') },
                      { title: t(`nav.${current.key}`) },
                    ]
                  : []),
              ]}
            />
          </Flex>
          <Flex align="center" gap={8}>
            <NotificationBell />
            <UserMenu />
          </Flex>
        </Layout.Header>
        <Layout.Content className="gk-content">
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<PageLoading />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </Layout.Content>
        <Layout.Footer className="gk-footer">管控 Guankong · {t('login.footer')}</Layout.Footer>
      </Layout>
    </Layout>
  );
};
