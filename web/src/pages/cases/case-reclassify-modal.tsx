import { Form, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { caseKeys, localName, reclassifyCase } from '../../api/cases';
import type { Case, CaseType, ReclassifyInput } from '../../api/cases';
import { CaseTreeSelect } from '../../components/case-pickers';
import { FormModal } from '../../components/form-modal';
import { blankToNull } from '../../lib/format';
import { useFormSave } from '../../lib/use-form-save';

type Values = { category: string | null; priority: string; note?: string };

/** 调整分类: a dispatcher changes the category or priority; the server recomputes the time limits. */
export const CaseReclassifyModal = ({
  caseItem,
  type,
  open,
  onClose,
}: {
  caseItem: Case;
  type: CaseType | undefined;
  open: boolean;
  onClose: () => void;
}) => {
  const { t, i18n } = useTranslation();
  const { form, mutation } = useFormSave({
    save: async (v: Values): Promise<Case> => {
      const input: ReclassifyInput = {};
      if (v.category && v.category !== caseItem.categoryKey) input.category = v.category;
      if (v.priority && v.priority !== caseItem.priorityKey) input.priority = v.priority;
      if (input.category === undefined && input.priority === undefined) return caseItem;
      const note = blankToNull(v.note);
      if (note !== null) input.note = note;
      return reclassifyCase(caseItem.id, input);
    },
    creating: false,
    invalidateKey: caseKeys.all,
    onDone: onClose,
  });
  const def = type?.definition;

  return (
    <FormModal<Values>
      open={open}
      title={`${t('cases.reclassify.title')} · #${caseItem.id}`}
      width={500}
      onClose={onClose}
      form={form}
      mutation={mutation}
      submitTestId="case-reclassify-submit"
      initialValues={{ category: caseItem.categoryKey, priority: caseItem.priorityKey }}
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t('cases.reclassify.hint')}
      </Typography.Paragraph>
      <Form.Item
        name="category"
        label={t('cases.field.category')}
        rules={[
          { required: true, message: t('common.requiredSelect', { field: t('cases.field.category') }) },
        ]}
      >
        <CaseTreeSelect nodes={def?.categories} allowClear={false} data-testid="case-reclassify-category" />
      </Form.Item>
      <Form.Item name="priority" label={t('cases.field.priority')}>
        <Select
          options={(def?.priorities ?? []).map((p) => ({ value: p.key, label: localName(p, i18n.language) }))}
          data-testid="case-reclassify-priority"
        />
      </Form.Item>
      <Form.Item
        name="note"
        label={t('cases.reclassify.note')}
        rules={[
          { max: 2000, message: t('common.maxLength', { field: t('cases.reclassify.note'), max: 2000 }) },
        ]}
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 5 }}
          placeholder={t('cases.actionForm.notePlaceholder')}
        />
      </Form.Item>
    </FormModal>
  );
};
