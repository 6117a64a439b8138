import { ArrowRightOutlined } from '@ant-design/icons';
import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../api/types';
import { diffEvent } from '../lib/audit-diff';
import type { FieldChange } from '../lib/audit-diff';
import { fieldLabel } from './audit-labels';
import { AuditValue } from './audit-value';

/** Before / after of one audit event, one row per field; changed fields are highlighted. */
export const AuditDiffTable = ({ event }: { event: AuditEvent }) => {
  const { t } = useTranslation();
  const rows = diffEvent(event, { onlyChanged: false, hideNoise: false });
  const columns: TableColumnsType<FieldChange> = [
    {
      title: t('audit.field'),
      dataIndex: 'field',
      width: 240,
      render: (field: string, row) => (
        <Typography.Text strong={row.changed}>
          {fieldLabel(t, field)}
          {fieldLabel(t, field) !== field && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 6, fontSize: 12 }}>
              {field}
            </Typography.Text>
          )}
        </Typography.Text>
      ),
    },
    {
      title: t('audit.before'),
      dataIndex: 'before',
      render: (value: unknown, row) => (
        <span className={row.changed && event.before ? 'gk-diff-before' : undefined}>
          <AuditValue field={row.field} value={value} />
        </span>
      ),
    },
    {
      title: '',
      key: 'arrow',
      width: 36,
      render: (_v, row) => (row.changed ? <ArrowRightOutlined /> : null),
    },
    {
      title: t('audit.after'),
      dataIndex: 'after',
      render: (value: unknown, row) => (
        <span className={row.changed && event.after ? 'gk-diff-after' : undefined}>
          <AuditValue field={row.field} value={value} />
        </span>
      ),
    },
  ];
  if (rows.length === 0) return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  return (
    <Table<FieldChange>
      size="small"
      rowKey="field"
      columns={columns}
      dataSource={rows}
      pagination={false}
      rowClassName={(row) => (row.changed ? 'gk-diff-row-changed' : '')}
    />
  );
};
