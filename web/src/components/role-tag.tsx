import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types';

const ROLE_COLORS: Record<Role, string> = {
  admin: 'red',
  manager: 'blue',
  staff: 'green',
  auditor: 'gold',
  viewer: 'default',
};

const isRole = (role: string): role is Role => role in ROLE_COLORS;

export const roleLabelKey = (role: Role) => `role.${role}` as const;

export const RoleTag = ({ role, unitName }: { role: Role | string; unitName?: string }) => {
  const { t } = useTranslation();
  const label = isRole(role) ? t(roleLabelKey(role)) : role;
  const tag = (
    <Tag color={isRole(role) ? ROLE_COLORS[role] : 'default'} style={{ marginBlock: 2 }}>
      {label}
      {unitName ? <span style={{ opacity: 0.75 }}> · {unitName}</span> : null}
    </Tag>
  );
  return unitName ? <Tooltip title={`${label} @ ${unitName}`}>{tag}</Tooltip> : tag;
};
