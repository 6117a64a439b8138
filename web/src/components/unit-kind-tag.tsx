import {
  ApartmentOutlined,
  AppstoreOutlined,
  BankOutlined,
  ClusterOutlined,
  EnvironmentOutlined,
  ShopOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnitKind } from '../api/types';

const KIND_STYLE: Record<UnitKind, { icon: ReactNode; color: string }> = {
  company: { icon: <BankOutlined />, color: 'geekblue' },
  branch: { icon: <ApartmentOutlined />, color: 'blue' },
  department: { icon: <ClusterOutlined />, color: 'cyan' },
  grid: { icon: <AppstoreOutlined />, color: 'green' },
  area: { icon: <EnvironmentOutlined />, color: 'lime' },
  team: { icon: <TeamOutlined />, color: 'purple' },
  site: { icon: <ShopOutlined />, color: 'orange' },
};

export const UnitKindIcon = ({ kind }: { kind: UnitKind }) => (
  <>{KIND_STYLE[kind]?.icon ?? <ClusterOutlined />}</>
);

export const UnitKindTag = ({ kind, compact = false }: { kind: UnitKind; compact?: boolean }) => {
  const { t } = useTranslation();
  const style = KIND_STYLE[kind];
  return (
    <Tag
      color={style?.color}
      icon={compact ? undefined : style?.icon}
      style={compact ? { marginInlineEnd: 0, paddingInline: 4, fontSize: 11, lineHeight: '18px' } : undefined}
    >
      {style ? t(`unitKind.${kind}`) : kind}
    </Tag>
  );
};
