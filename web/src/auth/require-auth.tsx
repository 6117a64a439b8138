import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { Permission } from '../api/types';
import { PageLoading } from '../components/page-loading';
import { errorText } from '../lib/api-errors';
import { useSession } from './session-context';

/** Only for logged-in users; others go to /login?redirect=<where they were>. */
export const RequireAuth = ({ children }: { children: ReactNode }) => {
  const { session, isLoading, error } = useSession();
  const location = useLocation();
  const { t } = useTranslation();

  if (isLoading) return <PageLoading fullscreen />;
  if (session === undefined && error) {
    // The session probe itself failed (server down): say so instead of pretending to be logged out.
    return (
      <Result
        status="warning"
        title={t('common.loadFailed')}
        subTitle={errorText(error)}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {t('errors.reload')}
          </Button>
        }
      />
    );
  }
  if (!session) {
    const here = `${location.pathname}${location.search}${location.hash}`;
    const target = here && here !== '/' ? `/login?redirect=${encodeURIComponent(here)}` : '/login';
    return <Navigate to={target} replace />;
  }
  return <>{children}</>;
};

/** Shows a 403 page instead of the children when the user lacks the permission. */
export const RequirePermission = ({
  permission,
  children,
}: {
  permission: Permission;
  children: ReactNode;
}) => {
  const { can } = useSession();
  const { t } = useTranslation();
  if (!can(permission)) {
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={t('errors.forbiddenText')} />;
  }
  return <>{children}</>;
};
