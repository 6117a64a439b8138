import { ArrowRightOutlined, PaperClipOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Input, Rate, Skeleton, Timeline, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  CASE_EVENT_KINDS,
  addCaseComment,
  caseAttachmentUrl,
  caseKeys,
  findNode,
  listCaseEvents,
  localName,
} from '../../api/cases';
import type { Case, CaseEvent, CaseEventKind, CaseType } from '../../api/cases';
import { CaseStatusTag, isCaseStatus } from '../../components/case-status-tag';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { unitDisplayName } from '../../lib/unit-tree';
import { useFeedback } from '../../lib/use-feedback';
import { useUnitMap } from '../../lib/use-units';

const isKind = (kind: string): kind is CaseEventKind =>
  (CASE_EVENT_KINDS as readonly string[]).includes(kind);

/** Dot colours: progress blue, done green, trouble red, holds and changes orange, talk grey. */
const KIND_COLORS: Record<CaseEventKind, string> = {
  created: 'blue',
  assigned: 'blue',
  accepted: 'blue',
  started: 'blue',
  paused: 'orange',
  resumed: 'blue',
  resolved: 'green',
  called_back: 'green',
  callback_recorded: 'green',
  closed: 'gray',
  reopened: 'red',
  cancelled: 'gray',
  reclassified: 'orange',
  commented: 'gray',
  escalated: 'red',
  attachment_added: 'gray',
  repeat_linked: 'orange',
};

export const eventKindLabel = (t: TFunction, kind: string): string =>
  isKind(kind) ? t(`cases.events.kinds.${kind}`) : kind;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

const Detail = ({ label, children }: { label: string; children: ReactNode }) => (
  <div style={{ marginTop: 2 }}>
    <Typography.Text type="secondary">{label}：</Typography.Text>
    {children}
  </div>
);

/** The payload of an event in words: who it went to, why, what was said, what changed. */
const EventDetails = ({
  event,
  caseItem,
  type,
}: {
  event: CaseEvent;
  caseItem: Case;
  type: CaseType | undefined;
}) => {
  const { t, i18n } = useTranslation();
  const units = useUnitMap();
  const lang = i18n.language;
  const def = type?.definition;
  const p = event.payload ?? {};
  const categoryName = (key: string) => {
    const node = def ? findNode(def.categories, key) : undefined;
    return node ? localName(node, lang) : key;
  };
  const priorityName = (key: string) => {
    const found = def?.priorities.find((x) => x.key === key);
    return found ? localName(found, lang) : key;
  };
  const unitName = (id: number) => {
    const unit = units.get(id);
    return unit ? unitDisplayName(unit, lang) : `#${id}`;
  };
  const userName = (id: number) => (caseItem.assignee?.id === id ? caseItem.assignee.name : `#${id}`);
  const parts: ReactNode[] = [];

  const assignee = obj(p['assignee']);
  const assigneeId = num(p['assigneeUserId']);
  if (assignee && str(assignee['name']))
    parts.push(
      <Detail key="assignee" label={t('cases.events.assignee')}>
        {str(assignee['name'])}
      </Detail>,
    );
  else if (assigneeId !== null)
    parts.push(
      <Detail key="assignee" label={t('cases.events.assignee')}>
        {userName(assigneeId)}
      </Detail>,
    );
  const unitId = num(p['unitId']);
  const fromUnitId = num(p['fromUnitId']);
  if (unitId !== null)
    parts.push(
      <Detail key="unit" label={t('cases.events.unit')}>
        {fromUnitId !== null && (
          <>
            {unitName(fromUnitId)}
            <ArrowRightOutlined style={{ marginInline: 6, fontSize: 11, color: '#8c98a8' }} />
          </>
        )}
        {unitName(unitId)}
      </Detail>,
    );
  const onBehalfOf = num(p['onBehalfOf']);
  if (onBehalfOf !== null)
    parts.push(
      <Typography.Text key="behalf" type="secondary" style={{ display: 'block', fontSize: 12 }}>
        {t('cases.events.onBehalfOf', { name: userName(onBehalfOf) })}
      </Typography.Text>,
    );
  const pauseReason = str(p['pauseReason']);
  if (pauseReason) {
    const found = def?.pauseReasons.find((r) => r.key === pauseReason);
    parts.push(
      <Detail key="pause" label={t('cases.events.pauseReason')}>
        {found ? localName(found, lang) : pauseReason}
      </Detail>,
    );
  }
  const reasonCode = str(p['reasonCode']);
  if (reasonCode) {
    const node = def ? findNode(def.reasons, reasonCode) : undefined;
    parts.push(
      <Detail key="reason" label={t('cases.events.reason')}>
        {node ? localName(node, lang) : reasonCode}
      </Detail>,
    );
  }
  if (event.kind === 'created') {
    const category = str(p['category']);
    const priority = str(p['priority']);
    if (category)
      parts.push(
        <Detail key="category" label={t('cases.events.category')}>
          {categoryName(category)}
        </Detail>,
      );
    if (priority)
      parts.push(
        <Detail key="priority" label={t('cases.events.priority')}>
          {priorityName(priority)}
        </Detail>,
      );
  }
  const from = obj(p['from']);
  const to = obj(p['to']);
  if (from && to) {
    for (const [field, label, name] of [
      ['category', t('cases.events.category'), categoryName],
      ['priority', t('cases.events.priority'), priorityName],
    ] as const) {
      const before = str(from[field]);
      const after = str(to[field]);
      if (before && after && before !== after)
        parts.push(
          <Detail key={field} label={label}>
            <span className="gk-diff-before">{name(before)}</span>
            <ArrowRightOutlined style={{ marginInline: 6, fontSize: 11, color: '#8c98a8' }} />
            <span className="gk-diff-after">{name(after)}</span>
          </Detail>,
        );
    }
  }
  if (typeof p['reached'] === 'boolean')
    parts.push(
      <div key="reached" style={{ marginTop: 2 }}>
        {p['reached'] ? t('cases.events.reached') : t('cases.events.notReached')}
      </div>,
    );
  const satisfaction = num(p['satisfaction']);
  if (satisfaction !== null)
    parts.push(
      <Detail key="satisfaction" label={t('cases.events.satisfaction')}>
        <Rate disabled value={satisfaction} style={{ fontSize: 12 }} />
      </Detail>,
    );
  const level = num(p['level']);
  if (level !== null) {
    const clockKey = str(p['clock']);
    const clock = clockKey ? def?.clocks.find((c) => c.key === clockKey) : undefined;
    parts.push(
      <div key="level" style={{ marginTop: 2 }}>
        {t('cases.events.level', { level })}
        {clock ? ` · ${localName(clock, lang)}` : ''}
      </div>,
    );
  }
  const repeatOf = num(p['repeatOfCaseId']);
  if (repeatOf !== null)
    parts.push(
      <div key="repeat" style={{ marginTop: 2 }}>
        <Link to={`/cases/${repeatOf}`}>{t('cases.events.repeatOf', { id: repeatOf })}</Link>
      </div>,
    );
  const fileName = str(p['fileName']);
  const attachmentId = num(p['attachmentId']);
  if (fileName)
    parts.push(
      <div key="file" style={{ marginTop: 2 }}>
        <PaperClipOutlined style={{ marginInlineEnd: 4 }} />
        {attachmentId !== null ? (
          <a href={caseAttachmentUrl(caseItem.id, attachmentId)} download={fileName}>
            {fileName}
          </a>
        ) : (
          fileName
        )}
      </div>,
    );
  // Words people wrote: the comment text, the outcome, the note, the callback comment.
  for (const [key, label] of [
    ['feedback', t('cases.events.feedback')],
    ['comment', t('cases.callbacks.comment')],
    ['note', t('cases.events.note')],
  ] as const) {
    const text = str(p[key]);
    if (text)
      parts.push(
        <Detail key={key} label={label}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{text}</span>
        </Detail>,
      );
  }
  const text = str(p['text']);
  if (text)
    parts.push(
      <Typography.Paragraph key="text" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
        {text}
      </Typography.Paragraph>,
    );
  return parts.length ? <div style={{ fontSize: 13 }}>{parts}</div> : null;
};

/** The comment box: a follow-up (跟进) written into the case's history. */
const CommentBox = ({ caseId }: { caseId: number }) => {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const mutation = useMutation({
    mutationFn: () => addCaseComment(caseId, text.trim()),
    onSuccess: () => {
      setText('');
      void message.success(t('cases.comment.added'));
      void queryClient.invalidateQueries({ queryKey: caseKeys.events(caseId) });
    },
    onError: (error) => showError(error),
  });
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }}>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={5000}
        placeholder={t('cases.comment.placeholder')}
        data-testid="case-comment-input"
      />
      <Flex justify="flex-end">
        <Button
          type="primary"
          disabled={text.trim() === ''}
          loading={mutation.isPending}
          onClick={() => mutation.mutate()}
          data-testid="case-comment-submit"
        >
          {t('cases.comment.submit')}
        </Button>
      </Flex>
    </Flex>
  );
};

/** 处理记录: every event of the case, newest first, with the comment box above. */
export const CaseTimeline = ({
  caseItem,
  type,
  canComment,
}: {
  caseItem: Case;
  type: CaseType | undefined;
  canComment: boolean;
}) => {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: caseKeys.events(caseItem.id),
    queryFn: () => listCaseEvents(caseItem.id),
  });
  const events = [...(query.data ?? [])].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));

  return (
    <Card size="small" title={t('cases.events.title')} data-testid="case-timeline">
      {canComment && <CommentBox caseId={caseItem.id} />}
      {query.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(query.error)} />
      ) : events.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.events.empty')} />
      ) : (
        <Timeline
          items={events.map((event) => ({
            key: event.id,
            color: isKind(event.kind) ? KIND_COLORS[event.kind] : 'gray',
            content: (
              <div data-testid="case-event" data-kind={event.kind}>
                <Flex wrap gap={8} align="center">
                  <Typography.Text strong>{eventKindLabel(t, event.kind)}</Typography.Text>
                  {event.fromStatus &&
                  isCaseStatus(event.fromStatus) &&
                  event.toStatus &&
                  isCaseStatus(event.toStatus) ? (
                    <span>
                      <CaseStatusTag status={event.fromStatus} testId="case-event-from" />
                      <ArrowRightOutlined style={{ marginInline: 4, fontSize: 10, color: '#8c98a8' }} />
                      <CaseStatusTag status={event.toStatus} testId="case-event-to" />
                    </span>
                  ) : event.toStatus && isCaseStatus(event.toStatus) ? (
                    <CaseStatusTag status={event.toStatus} testId="case-event-to" />
                  ) : null}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    <UserOutlined style={{ marginInlineEnd: 4 }} />
                    {event.actor?.name || t('cases.events.system')}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(event.at)}
                  </Typography.Text>
                </Flex>
                <EventDetails event={event} caseItem={caseItem} type={type} />
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
};
