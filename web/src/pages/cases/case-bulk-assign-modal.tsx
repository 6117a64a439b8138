import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Alert, Button, Form, Modal, Table, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { bulkAssignCases, caseKeys } from '../../api/cases';
import type { BulkAssignResult } from '../../api/cases';
import { CaseUserSelect } from '../../components/case-pickers';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { applyFormErrors } from '../../lib/api-errors';
import { useFeedback } from '../../lib/use-feedback';

type Values = { assigneeUserId: number | null; unitId: number | null };
type Row = BulkAssignResult['results'][number];

/**
 * 批量派单: one assignee (and optionally a new unit) for the selected cases. The server answers per
 * case; the results stay on screen, and `onDone` gets the ids that were assigned.
 */
export const CaseBulkAssignModal = ({
  caseIds,
  open,
  onClose,
  onDone,
}: {
  caseIds: number[];
  open: boolean;
  onClose: () => void;
  onDone: (assignedIds: number[]) => void;
}) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const mutation = useMutation({
    mutationFn: (v: Values) =>
      bulkAssignCases({
        caseIds,
        assigneeUserId: v.assigneeUserId ?? 0,
        ...(v.unitId !== null && v.unitId !== undefined ? { unitId: v.unitId } : {}),
      }),
    onSuccess: (data) => {
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      const ok = data.results.filter((r) => r.ok).map((r) => r.caseId);
      void message.success(t('cases.bulk.done'));
      onDone(ok);
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });
  const results = mutation.data?.results;
  const okCount = results?.filter((r) => r.ok).length ?? 0;

  const close = () => {
    mutation.reset();
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('cases.bulk.title', { count: results ? results.length : caseIds.length })}
      onCancel={close}
      destroyOnHidden
      width={560}
      footer={
        results ? (
          <Button type="primary" onClick={close} data-testid="case-bulk-close">
            {t('common.close')}
          </Button>
        ) : (
          <>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={mutation.isPending}
              onClick={() => form.submit()}
              data-testid="case-bulk-assign-submit"
            >
              {t('cases.bulk.submit')}
            </Button>
          </>
        )
      }
    >
      {results ? (
        <div data-testid="case-bulk-results">
          <Alert
            type={okCount === results.length ? 'success' : 'warning'}
            showIcon
            title={t('cases.bulk.summary', { ok: okCount, failed: results.length - okCount })}
            style={{ marginBottom: 12 }}
          />
          <Table<Row>
            size="small"
            rowKey="caseId"
            pagination={false}
            scroll={{ y: 320 }}
            dataSource={results}
            columns={[
              {
                title: t('cases.field.id'),
                dataIndex: 'caseId',
                width: 100,
                render: (id: number) => `#${id}`,
              },
              {
                title: t('cases.bulk.results'),
                key: 'result',
                render: (_v, r) =>
                  r.ok ? (
                    <Typography.Text type="success">
                      <CheckCircleFilled /> {t('cases.bulk.ok')}
                    </Typography.Text>
                  ) : (
                    <Typography.Text type="danger">
                      <CloseCircleFilled /> {r.error?.message ?? t('cases.bulk.failed')}
                    </Typography.Text>
                  ),
              },
            ]}
          />
        </div>
      ) : (
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ assigneeUserId: null, unitId: null }}
          onFinish={(v) => mutation.mutate(v)}
        >
          <Form.Item
            name="assigneeUserId"
            label={t('cases.actionForm.assignee')}
            rules={[
              {
                required: true,
                message: t('common.requiredSelect', { field: t('cases.actionForm.assignee') }),
              },
            ]}
          >
            <CaseUserSelect data-testid="case-bulk-assignee" />
          </Form.Item>
          <Form.Item
            name="unitId"
            label={t('cases.actionForm.transferUnit')}
            extra={t('cases.actionForm.transferUnitHint')}
          >
            <UnitTreeSelect data-testid="case-bulk-unit" />
          </Form.Item>
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>
      )}
    </Modal>
  );
};
