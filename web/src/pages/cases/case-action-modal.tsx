import { Button, Form, Input, Modal, Select, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { caseKeys, localName, transitionCase } from '../../api/cases';
import type { Case, CaseAction, CaseType, TransitionInput } from '../../api/cases';
import { CaseTreeSelect, CaseUserSelect } from '../../components/case-pickers';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { applyFormErrors } from '../../lib/api-errors';
import { blankToNull } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { useSticky } from '../../lib/use-sticky';
import { CustomField, fieldValues, formValues } from './case-custom-field';

type Values = {
  assigneeUserId?: number | null;
  unitId?: number | null;
  pauseReason?: string;
  reasonCode?: string | null;
  feedback?: string;
  outcome?: Record<string, unknown>;
  note?: string;
};

/** The label of an action button: 派单, or 改派 when someone holds the case already. */
export const actionLabelKey = (action: CaseAction, caseItem: Pick<Case, 'assignee'>) =>
  action === 'assign' && caseItem.assignee
    ? ('cases.action.reassign' as const)
    : (`cases.action.${action}` as const);

const toInput = (action: CaseAction, v: Values, version: number, type?: CaseType): TransitionInput => {
  const note = blankToNull(v.note) ?? undefined;
  const common = { expectedVersion: version };
  switch (action) {
    case 'assign':
      return {
        action,
        assigneeUserId: v.assigneeUserId ?? 0,
        ...(v.unitId ? { unitId: v.unitId } : {}),
        ...(note ? { note } : {}),
        ...common,
      };
    case 'pause':
      return { action, pauseReason: (v.pauseReason ?? '').trim(), ...(note ? { note } : {}), ...common };
    case 'resolve':
    case 'close': {
      const feedback = blankToNull(v.feedback) ?? undefined;
      const outcomeFields = type?.definition.closing.outcomeFields ?? [];
      return {
        action,
        ...(v.reasonCode ? { reasonCode: v.reasonCode } : {}),
        ...(feedback ? { feedback } : {}),
        ...(outcomeFields.length > 0 ? { outcome: fieldValues(outcomeFields, v.outcome) } : {}),
        ...common,
      };
    }
    case 'reopen':
    case 'cancel':
      return { action, note: note ?? '', ...common };
    default:
      return { action, ...(note ? { note } : {}), ...common };
  }
};

/**
 * The form of one lifecycle action: 派单 picks a user (and maybe a unit), 挂起 a pause reason, 办结 /
 * 归档 a reason code and the outcome (required as the case type says), 返工 / 撤销 a note; the others
 * only take an optional note. Sends the case's version so that a concurrent change is refused.
 */
export const CaseActionModal = ({
  caseItem,
  type,
  action: requested,
  onClose,
}: {
  caseItem: Case;
  type: CaseType | undefined;
  action: CaseAction | null;
  onClose: () => void;
}) => {
  const { t, i18n } = useTranslation();
  const action = useSticky(requested);
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const def = type?.definition;

  const mutation = useMutation({
    mutationFn: (v: Values) => {
      if (!action) throw new Error('no action');
      return transitionCase(caseItem.id, toInput(action, v, caseItem.version, type));
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(caseKeys.detail(caseItem.id), updated);
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      if (action) void message.success(t(`cases.actionDone.${action}`));
      onClose();
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'cases.version_conflict') {
        void message.warning(t('cases.actionForm.conflict'));
        void queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseItem.id) });
        onClose();
        return;
      }
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  const requiredSelect = (field: string) => ({
    required: true,
    message: t('common.requiredSelect', { field }),
  });
  const requiredText = (field: string) => ({
    required: true,
    whitespace: true,
    message: t('common.required', { field }),
  });
  const noteItem = (label: string, required: boolean) => (
    <Form.Item
      name="note"
      label={label}
      rules={[
        ...(required ? [requiredText(label)] : []),
        { max: 2000, message: t('common.maxLength', { field: label, max: 2000 }) },
      ]}
    >
      <Input.TextArea
        autoSize={{ minRows: 2, maxRows: 6 }}
        placeholder={required ? undefined : t('cases.actionForm.notePlaceholder')}
        data-testid="case-action-note"
      />
    </Form.Item>
  );

  const fields = () => {
    switch (action) {
      case 'assign':
        return (
          <>
            <Form.Item
              name="assigneeUserId"
              label={t('cases.actionForm.assignee')}
              rules={[requiredSelect(t('cases.actionForm.assignee'))]}
            >
              <CaseUserSelect initial={caseItem.assignee} data-testid="case-action-assignee" />
            </Form.Item>
            <Form.Item
              name="unitId"
              label={t('cases.actionForm.transferUnit')}
              extra={t('cases.actionForm.transferUnitHint')}
            >
              <UnitTreeSelect data-testid="case-action-unit" />
            </Form.Item>
            {noteItem(t('cases.actionForm.note'), false)}
          </>
        );
      case 'pause': {
        const reasons = def?.pauseReasons ?? [];
        return (
          <>
            <Form.Item
              name="pauseReason"
              label={t('cases.actionForm.pauseReason')}
              rules={[
                reasons.length
                  ? requiredSelect(t('cases.actionForm.pauseReason'))
                  : requiredText(t('cases.actionForm.pauseReason')),
              ]}
            >
              {reasons.length ? (
                <Select
                  options={reasons.map((r) => ({ value: r.key, label: localName(r, i18n.language) }))}
                  data-testid="case-action-pause-reason"
                />
              ) : (
                <Input maxLength={64} data-testid="case-action-pause-reason" />
              )}
            </Form.Item>
            {noteItem(t('cases.actionForm.note'), false)}
          </>
        );
      }
      case 'resolve':
      case 'close': {
        const reasons = def?.reasons ?? [];
        const needReason = def?.closing.requireReason ?? false;
        const needFeedback = def?.closing.requireFeedback ?? false;
        const minLength = def?.closing.minFeedbackLength ?? 0;
        const outcomeFields = def?.closing.outcomeFields ?? [];
        return (
          <>
            {reasons.length > 0 && (
              <Form.Item
                name="reasonCode"
                label={t('cases.actionForm.reasonCode')}
                rules={needReason ? [requiredSelect(t('cases.actionForm.reasonCode'))] : []}
              >
                <CaseTreeSelect nodes={reasons} data-testid="case-action-reason" />
              </Form.Item>
            )}
            <Form.Item
              name="feedback"
              label={t('cases.actionForm.feedback')}
              rules={[
                ...(needFeedback ? [requiredText(t('cases.actionForm.feedback'))] : []),
                {
                  max: 5000,
                  message: t('common.maxLength', { field: t('cases.actionForm.feedback'), max: 5000 }),
                },
                ...(minLength > 0
                  ? [
                      {
                        min: minLength,
                        message: t('cases.actionForm.feedbackMin', { min: minLength }),
                      },
                    ]
                  : []),
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: 3, maxRows: 8 }}
                placeholder={t('cases.actionForm.feedbackPlaceholder')}
                data-testid="case-action-feedback"
              />
            </Form.Item>
            {outcomeFields.map((field) => (
              <CustomField key={field.key} field={field} prefix="outcome" />
            ))}
          </>
        );
      }
      case 'reopen':
        return noteItem(t('cases.actionForm.reopenNote'), true);
      case 'cancel':
        return noteItem(t('cases.actionForm.cancelNote'), true);
      default:
        return noteItem(t('cases.actionForm.note'), false);
    }
  };

  const initialValues: Values =
    action === 'resolve' || action === 'close'
      ? {
          reasonCode: caseItem.reasonCode,
          feedback: caseItem.feedback ?? '',
          outcome: formValues(def?.closing.outcomeFields ?? [], caseItem.outcome),
        }
      : {};

  return (
    <Modal
      open={requested !== null}
      title={action ? `${t(actionLabelKey(action, caseItem))} · #${caseItem.id}` : ''}
      onCancel={onClose}
      destroyOnHidden
      width={520}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            danger={action === 'cancel'}
            loading={mutation.isPending}
            onClick={() => form.submit()}
            data-testid="case-action-confirm"
          >
            {action ? t(actionLabelKey(action, caseItem)) : t('cases.actionForm.confirm')}
          </Button>
        </>
      }
    >
      {action && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          {t(`cases.actionHint.${action}`)}
        </Typography.Paragraph>
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={initialValues}
        onFinish={(v) => mutation.mutate(v)}
        data-testid={action ? `case-action-form-${action}` : undefined}
      >
        {fields()}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
};
