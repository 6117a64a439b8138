import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role, UnitKind } from '../api/types';
import { ROLES, UNIT_KINDS } from '../api/types';
import { useUnitMap } from '../lib/use-units';
import { unitDisplayName } from '../lib/unit-tree';
import { formatDateTime } from '../lib/format';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

const isKind = (v: unknown): v is UnitKind =>
  typeof v === 'string' && (UNIT_KINDS as readonly string[]).includes(v);
const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** One value of an audit before/after, in words where the field is known (kind, unit ids, booleans). */
export const AuditValue = ({ field, value }: { field: string; value: unknown }) => {
  const { t, i18n } = useTranslation();
  const units = useUnitMap();

  if (value === null || value === undefined || value === '') {
    return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  }
  if (typeof value === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  if (field === 'kind' && isKind(value)) return <>{t(`unitKind.${value}`)}</>;
  if (field === 'role' && isRole(value)) return <>{t(`role.${value}`)}</>;
  if (field === 'locale' && (value === 'zh-CN' || value === 'en')) return <>{t(`lang.${value}`)}</>;
  if ((field === 'parentId' || field === 'unitId') && typeof value === 'number') {
    const unit = units.get(value);
    return <>{unit ? `${unitDisplayName(unit, i18n.language)} (#${value})` : `#${value}`}</>;
  }
  if (field === 'grants' && Array.isArray(value)) {
    const parts = value.map((g: unknown) => {
      if (typeof g !== 'object' || g === null) return String(g);
      const { role, unitId, unitName } = g as { role?: unknown; unitId?: unknown; unitName?: unknown };
      const roleText = isRole(role) ? t(`role.${role}`) : String(role);
      const unitText =
        typeof unitName === 'string'
          ? unitName
          : typeof unitId === 'number'
            ? (units.get(unitId)?.name ?? `#${unitId}`)
            : '';
      return unitText ? `${roleText} · ${unitText}` : roleText;
    });
    return <>{parts.length ? parts.join(t('common.listSeparator')) : t('common.none')}</>;
  }
  if (typeof value === 'string' && field.endsWith('At') && ISO_DATE.test(value))
    return <>{formatDateTime(value)}</>;
  if (typeof value === 'object') {
    return (
      <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {JSON.stringify(value)}
      </Typography.Text>
    );
  }
  return <>{String(value)}</>;
};
