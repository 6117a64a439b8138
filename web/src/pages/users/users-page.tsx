import {
  EditOutlined,
  KeyOutlined,
  PlusOutlined,
  StopOutlined,
  CheckCircleOutlined,
} from '@ant-design/icons';
import { Badge, Button, Card, Flex, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import type { User } from '../../api/types';
import { listUsers, updateUser } from '../../api/users';
import { useSession } from '../../auth/session-context';
import { PageHeader } from '../../components/page-header';
import { PagedTable } from '../../components/paged-table';
import { RoleTag } from '../../components/role-tag';
import { SearchInput } from '../../components/search-input';
import { formatDateTime } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { ResetPasswordModal } from './reset-password-modal';
import { UserFormModal } from './user-form-modal';
import type { UserFormMode } from './user-form-modal';

export const UsersPage = () => {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const queryClient = useQueryClient();
  const { message, modal, showError } = useFeedback();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [form, setForm] = useState<UserFormMode | null>(null);
  const [resetFor, setResetFor] = useState<User | null>(null);

  const params = { q: q || undefined, page, pageSize };
  const query = useQuery({
    queryKey: queryKeys.usersList(params),
    queryFn: () => listUsers(params),
    placeholderData: keepPreviousData,
  });

  const setActive = useMutation({
    mutationFn: ({ user, active }: { user: User; active: boolean }) => updateUser(user.id, { active }),
    onSuccess: (_u, { active }) => {
      void message.success(active ? t('users.activated') : t('users.deactivated'));
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
    onError: (error) => showError(error),
  });

  const confirmActive = (user: User, active: boolean) =>
    modal.confirm({
      title: t(active ? 'users.activateTitle' : 'users.deactivateTitle', { name: user.displayName }),
      content: active ? undefined : t('users.deactivateText'),
      okText: active ? t('users.activate') : t('users.deactivate'),
      okButtonProps: { danger: !active },
      cancelText: t('common.cancel'),
      onOk: () => setActive.mutateAsync({ user, active }).catch(() => undefined),
    });

  const columns: TableColumnsType<User> = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      width: 140,
      fixed: 'left',
      render: (username: string) => <Typography.Text strong>{username}</Typography.Text>,
    },
    { title: t('users.displayName'), dataIndex: 'displayName', width: 130 },
    {
      title: t('users.grants'),
      dataIndex: 'grants',
      render: (grants: User['grants']) =>
        grants.length ? (
          <Flex wrap gap={4}>
            {grants.map((g) => (
              <RoleTag key={`${g.role}@${g.unitId}`} role={g.role} unitName={g.unitName} />
            ))}
          </Flex>
        ) : (
          <Typography.Text type="secondary">{t('users.noGrants')}</Typography.Text>
        ),
    },
    {
      title: t('users.locale'),
      dataIndex: 'locale',
      width: 100,
      render: (locale: User['locale']) => t(`lang.${locale}`),
    },
    {
      title: t('users.status'),
      dataIndex: 'active',
      width: 120,
      render: (active: boolean) =>
        active ? (
          <Badge status="success" text={t('users.active')} />
        ) : (
          <Badge status="default" text={t('users.inactive')} />
        ),
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 170, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 230,
      fixed: 'right',
      render: (_v, user) => (
        <Flex gap={4} wrap>
          <Button
            size="small"
            type="link"
            icon={<EditOutlined />}
            onClick={() => setForm({ type: 'edit', user })}
          >
            {t('common.edit')}
          </Button>
          <Button size="small" type="link" icon={<KeyOutlined />} onClick={() => setResetFor(user)}>
            {t('users.resetPassword')}
          </Button>
          {user.active ? (
            <Button
              size="small"
              type="link"
              danger
              icon={<StopOutlined />}
              disabled={user.id === me?.id}
              onClick={() => confirmActive(user, false)}
            >
              {t('users.deactivate')}
            </Button>
          ) : (
            <Button
              size="small"
              type="link"
              icon={<CheckCircleOutlined />}
              onClick={() => confirmActive(user, true)}
            >
              {t('users.activate')}
            </Button>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setForm({ type: 'create' })}
            data-testid="user-add"
          >
            {t('users.add')}
          </Button>
        }
      />
      <Card>
        <Flex style={{ marginBottom: 12 }}>
          <SearchInput
            placeholder={t('users.search')}
            style={{ width: 300 }}
            value={search}
            onValueChange={setSearch}
            onCommit={(next) => {
              setQ(next);
              setPage(1);
            }}
          />
        </Flex>
        <PagedTable<User>
          testId="users-table"
          query={query}
          columns={columns}
          scroll={{ x: 'max-content' }}
          emptyDescription={q ? t('users.emptySearch') : t('users.empty')}
          page={page}
          pageSize={pageSize}
          onPageChange={setPage}
          onPageSizeChange={setPageSize}
        />
      </Card>
      <UserFormModal mode={form} onClose={() => setForm(null)} />
      <ResetPasswordModal user={resetFor} onClose={() => setResetFor(null)} />
    </>
  );
};
