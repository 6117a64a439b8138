import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Tooltip } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { getUnreadCount, notificationKeys } from '../api/notifications';

/** How often the unread count is asked for while the page is visible. */
const POLL_MS = 30_000;

/** The header bell: the number of unread inbox items, polled every 30 s; a click opens the inbox. */
export const NotificationBell = () => {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data } = useQuery({
    queryKey: notificationKeys.unreadCount,
    queryFn: getUnreadCount,
    refetchInterval: POLL_MS,
    // A hidden tab does not poll; it asks again when the user comes back.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: POLL_MS,
  });
  const count = data?.count ?? 0;
  const label = count > 0 ? t('notifications.bell.unread', { n: count }) : t('notifications.bell.label');
  return (
    <Tooltip title={label}>
      <Badge count={count} overflowCount={99} size="small" offset={[-4, 4]}>
        <Button
          type="text"
          icon={<BellOutlined style={{ fontSize: 18 }} />}
          aria-label={label}
          onClick={() => navigate('/inbox')}
          data-testid="notification-bell"
        />
      </Badge>
    </Tooltip>
  );
};
