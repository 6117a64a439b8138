import { HistoryOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Unit } from '../../api/types';
import { UnitKindIcon, UnitKindTag } from '../../components/unit-kind-tag';
import { formatDateTime } from '../../lib/format';
import { unitDisplayName } from '../../lib/unit-tree';

export const UnitDetails = ({
  unit,
  parent,
  onHistory,
}: {
  unit: Unit;
  parent: Unit | null;
  onHistory: () => void;
}) => {
  const { t, i18n } = useTranslation();
  const none = <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Card
      data-testid="unit-details"
      title={
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
          <span style={{ color: '#1e4fa3' }}>
            <UnitKindIcon kind={unit.kind} />
          </span>
          <span>{unitDisplayName(unit, i18n.language)}</span>
          <UnitKindTag kind={unit.kind} />
        </span>
      }
      extra={
        <Button icon={<HistoryOutlined />} onClick={onHistory} data-testid="unit-history">
          {t('org.history')}
        </Button>
      }
    >
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          {
            key: 'code',
            label: t('org.unit.code'),
            children: <Typography.Text copyable={{ text: unit.code }}>{unit.code}</Typography.Text>,
          },
          { key: 'kind', label: t('org.unit.kind'), children: t(`unitKind.${unit.kind}`) },
          {
            key: 'status',
            label: t('common.status'),
            children: unit.active ? (
              <Badge status="success" text={t('common.active')} />
            ) : (
              <Badge status="default" text={t('common.inactive')} />
            ),
          },
          { key: 'name', label: t('org.unit.name'), children: unit.name },
          { key: 'nameEn', label: t('org.unit.nameEn'), children: unit.nameEn ?? none },
          {
            key: 'parent',
            label: t('org.unit.parent'),
            children: parent ? unitDisplayName(parent, i18n.language) : none,
          },
          { key: 'sortOrder', label: t('org.unit.sortOrder'), children: unit.sortOrder },
          { key: 'updatedAt', label: t('common.updatedAt'), children: formatDateTime(unit.updatedAt) },
        ]}
      />
    </Card>
  );
};
