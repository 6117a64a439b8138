import { PhoneOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Divider, Empty, Flex, Form, Input, Rate, Switch, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { caseKeys, recordCaseCallback } from '../../api/cases';
import type { Case, CaseCallback, CaseType, RecordCallbackInput } from '../../api/cases';
import { applyFormErrors } from '../../lib/api-errors';
import { blankToNull, formatDateTime } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';

type Values = { reached: boolean; satisfaction?: number; comment?: string };

const LEVEL_KEYS = ['s1', 's2', 's3', 's4', 's5'] as const;

const CallbackItem = ({ callback }: { callback: CaseCallback }) => {
  const { t } = useTranslation();
  const levels = LEVEL_KEYS.map((k) => t(`cases.callbacks.levels.${k}`));
  return (
    <div data-testid="case-callback" data-status={callback.status}>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Flex align="center" gap={6}>
          {callback.cycle > 1 && <Tag>{t('cases.callbacks.cycle', { n: callback.cycle })}</Tag>}
          {callback.status === 'pending' ? (
            <Tag color="orange">{t('cases.callbacks.pending')}</Tag>
          ) : callback.reached ? (
            <Tag color="green">{t('cases.callbacks.reachedYes')}</Tag>
          ) : (
            <Tag>{t('cases.callbacks.reachedNo')}</Tag>
          )}
        </Flex>
        {callback.status === 'pending' && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('cases.callbacks.dueAt')} {formatDateTime(callback.dueAt)}
          </Typography.Text>
        )}
      </Flex>
      {callback.satisfaction !== null && (
        <Flex align="center" gap={8} style={{ marginTop: 4 }}>
          <Rate disabled value={callback.satisfaction} style={{ fontSize: 14 }} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {levels[callback.satisfaction - 1] ?? ''}
          </Typography.Text>
        </Flex>
      )}
      {callback.comment && (
        <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
          {callback.comment}
        </Typography.Paragraph>
      )}
      {callback.recordedAt && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('cases.callbacks.recordedBy', {
            name: callback.recordedBy?.name ?? t('cases.events.system'),
            time: formatDateTime(callback.recordedAt),
          })}
        </Typography.Text>
      )}
    </div>
  );
};

/** 回访: the callbacks of the case, and the form to record one when the caller may. */
export const CaseCallbacksPanel = ({ caseItem, type }: { caseItem: Case; type: CaseType | undefined }) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const reached = Form.useWatch('reached', form) ?? true;
  const satisfaction = Form.useWatch('satisfaction', form);
  const policy = type?.definition.callback ?? null;
  const reopenAt = policy?.reopenAtOrBelow ?? 0;
  const levels = LEVEL_KEYS.map((k) => t(`cases.callbacks.levels.${k}`));

  const mutation = useMutation({
    mutationFn: (v: Values) => {
      const input: RecordCallbackInput = { reached: v.reached };
      if (v.reached && v.satisfaction) input.satisfaction = v.satisfaction;
      const comment = blankToNull(v.comment);
      if (comment !== null) input.comment = comment;
      return recordCaseCallback(caseItem.id, input);
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(caseKeys.detail(caseItem.id), updated);
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      void message.success(t('cases.callbacks.recorded'));
      form.resetFields();
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  const callbacks = [...caseItem.callbacks].sort((a, b) => b.cycle - a.cycle || b.id - a.id);

  return (
    <Card
      size="small"
      title={
        <Flex align="center" gap={8}>
          <PhoneOutlined style={{ color: '#1e4fa3' }} />
          {t('cases.callbacks.title')}
        </Flex>
      }
      data-testid="case-callbacks"
    >
      {caseItem.canRecordCallback && (
        <>
          <Typography.Text strong>{t('cases.callbacks.recordTitle')}</Typography.Text>
          <Form<Values>
            form={form}
            layout="vertical"
            initialValues={{ reached: true }}
            onFinish={(v) => mutation.mutate(v)}
            style={{ marginTop: 8 }}
            data-testid="case-callback-form"
          >
            <Form.Item name="reached" label={t('cases.callbacks.reached')} valuePropName="checked">
              <Switch data-testid="case-callback-reached" />
            </Form.Item>
            {reached && (
              <Form.Item
                name="satisfaction"
                label={t('cases.callbacks.satisfaction')}
                rules={[
                  {
                    required: true,
                    message: t('common.requiredSelect', { field: t('cases.callbacks.satisfaction') }),
                  },
                ]}
                extra={satisfaction ? levels[satisfaction - 1] : undefined}
              >
                <Rate tooltips={levels} data-testid="case-callback-satisfaction" />
              </Form.Item>
            )}
            {reached && reopenAt > 0 && satisfaction !== undefined && satisfaction <= reopenAt && (
              <Alert
                type="warning"
                showIcon
                title={t('cases.callbacks.reopenWarning', { n: reopenAt })}
                style={{ marginBottom: 12 }}
              />
            )}
            <Form.Item
              name="comment"
              label={t('cases.callbacks.comment')}
              rules={[
                {
                  max: 2000,
                  message: t('common.maxLength', { field: t('cases.callbacks.comment'), max: 2000 }),
                },
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: 2, maxRows: 5 }}
                placeholder={t('cases.callbacks.commentPlaceholder')}
                data-testid="case-callback-comment"
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              loading={mutation.isPending}
              data-testid="case-callback-submit"
            >
              {t('cases.callbacks.submit')}
            </Button>
          </Form>
          {callbacks.length > 0 && <Divider style={{ margin: '12px 0' }} />}
        </>
      )}
      {callbacks.length === 0 ? (
        !caseItem.canRecordCallback && (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={policy ? t('cases.callbacks.none') : t('cases.callbacks.notRequired')}
          />
        )
      ) : (
        <Flex vertical gap={12}>
          {callbacks.map((c) => (
            <CallbackItem key={c.id} callback={c} />
          ))}
        </Flex>
      )}
    </Card>
  );
};
