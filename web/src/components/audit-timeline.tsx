import { ArrowRightOutlined, UserOutlined } from '@ant-design/icons';
import { Empty, Flex, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../api/types';
import { ACTION_COLORS, actionKind, diffEvent } from '../lib/audit-diff';
import { formatDateTime } from '../lib/format';
import { actionLabel, fieldLabel } from './audit-labels';
import { AuditValue } from './audit-value';

const TIMELINE_COLORS: Record<string, string> = { green: 'green', red: 'red', blue: 'blue' };

/** The history of one entity, newest first: who did what when, and which fields went from what to what. */
export const AuditTimeline = ({ events }: { events: AuditEvent[] }) => {
  const { t } = useTranslation();
  if (events.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.historyEmpty')} />;
  }
  const sorted = [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return (
    <Timeline
      items={sorted.map((event) => {
        const kind = actionKind(event.action);
        const color = kind ? ACTION_COLORS[kind] : 'default';
        const changes = diffEvent(event);
        return {
          key: event.id,
          color: TIMELINE_COLORS[color] ?? 'gray',
          content: (
            <div className="gk-audit-item" data-testid="audit-event">
              <Flex wrap gap={8} align="center">
                <Tag color={color} style={{ marginInlineEnd: 0 }}>
                  {actionLabel(t, event.action)}
                </Tag>
                <Typography.Text strong>
                  <UserOutlined style={{ marginInlineEnd: 4 }} />
                  {event.actorName || t('audit.system')}
                </Typography.Text>
                <Typography.Text type="secondary">{formatDateTime(event.at)}</Typography.Text>
              </Flex>
              {changes.length > 0 ? (
                <ul className="gk-change-list">
                  {changes.map((c) => (
                    <li key={c.field}>
                      <Typography.Text type="secondary">{fieldLabel(t, c.field)}：</Typography.Text>
                      {event.before && event.after ? (
                        <>
                          <span className="gk-diff-before">
                            <AuditValue field={c.field} value={c.before} />
                          </span>
                          <ArrowRightOutlined style={{ marginInline: 6, fontSize: 11, color: '#8c98a8' }} />
                          <span className="gk-diff-after">
                            <AuditValue field={c.field} value={c.after} />
                          </span>
                        </>
                      ) : (
                        <AuditValue field={c.field} value={event.after ? c.after : c.before} />
                      )}
                    </li>
                  ))}
                </ul>
              ) : (
                <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }}>
                  {t('audit.noChanges')}
                </Typography.Text>
              )}
            </div>
          ),
        };
      })}
    />
  );
};
