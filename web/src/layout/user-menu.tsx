import {
  CheckOutlined,
  DownOutlined,
  KeyOutlined,
  LogoutOutlined,
  TranslationOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Flex, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { updateMe } from '../api/auth';
import type { Locale } from '../api/types';
import { useSession } from '../auth/session-context';
import { RoleTag } from '../components/role-tag';
import { LANGUAGES, currentLanguage, setLanguage } from '../i18n';
import { useFeedback } from '../lib/use-feedback';
import { ChangePasswordModal } from './change-password-modal';

export const UserMenu = () => {
  const { t } = useTranslation();
  const { user, logout, setUser } = useSession();
  const navigate = useNavigate();
  const { message } = useFeedback();
  const [passwordOpen, setPasswordOpen] = useState(false);
  // Controlled, so that choosing an item (a language too) closes the menu.
  const [menuOpen, setMenuOpen] = useState(false);
  if (!user) return null;

  const switchLanguage = async (lang: Locale) => {
    await setLanguage(lang);
    try {
      setUser(await updateMe({ locale: lang }));
    } catch {
      // The UI already switched; only the account preference failed to save.
      void message.warning(t('userMenu.localeSaveFailed'));
    }
  };

  const doLogout = async () => {
    try {
      await logout();
    } finally {
      void message.success(t('userMenu.loggedOut'));
      navigate('/login', { replace: true });
    }
  };

  const active = currentLanguage();
  const items: MenuProps['items'] = [
    {
      key: 'profile',
      disabled: true,
      className: 'gk-user-menu-profile',
      label: (
        <div style={{ cursor: 'default' }}>
          <Typography.Text strong>{user.displayName}</Typography.Text>
          <Typography.Text type="secondary" style={{ marginInlineStart: 6 }}>
            @{user.username}
          </Typography.Text>
          {user.roles.length > 0 && (
            <div style={{ marginTop: 4 }}>
              {user.roles.map((r) => (
                <RoleTag key={r} role={r} />
              ))}
            </div>
          )}
        </div>
      ),
    },
    { type: 'divider' },
    {
      type: 'group',
      key: 'lang',
      label: (
        <span>
          <TranslationOutlined /> {t('lang.label')}
        </span>
      ),
      children: LANGUAGES.map((lang) => ({
        key: `lang:${lang}`,
        label: (
          <Flex justify="space-between" align="center" gap={24} data-testid={`lang-${lang}`}>
            <span>{t(`lang.${lang}`)}</span>
            {active === lang ? <CheckOutlined style={{ color: 'var(--ant-color-primary)' }} /> : null}
          </Flex>
        ),
      })),
    },
    { type: 'divider' },
    {
      key: 'password',
      icon: <KeyOutlined />,
      label: t('userMenu.changePassword'),
      'data-testid': 'menu-password',
    },
    { key: 'logout', icon: <LogoutOutlined />, label: t('userMenu.logout'), danger: true },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    setMenuOpen(false);
    if (key.startsWith('lang:')) {
      const lang = key.slice(5) as Locale;
      if (lang !== currentLanguage()) void switchLanguage(lang);
    } else if (key === 'password') setPasswordOpen(true);
    else if (key === 'logout') void doLogout();
  };

  return (
    <>
      <Dropdown
        menu={{ items, onClick }}
        trigger={['click']}
        placement="bottomRight"
        open={menuOpen}
        onOpenChange={setMenuOpen}
      >
        <Button type="text" data-testid="user-menu" className="gk-user-menu-trigger" style={{ height: 40 }}>
          <Avatar size={28} style={{ backgroundColor: '#1e4fa3', fontSize: 14 }}>
            {user.displayName.slice(0, 1).toUpperCase()}
          </Avatar>
          <span className="gk-user-name">{user.displayName}</span>
          <DownOutlined style={{ fontSize: 10, color: '#8c98a8' }} />
        </Button>
      </Dropdown>
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
};
