import { Button, Space } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';

export type FormActionsProps = {
  form: Pick<FormInstance, 'submit'>;
  onCancel: () => void;
  saving: boolean;
  /** `data-testid` of the Save button (end-to-end tests click it). */
  testId: string;
  /** Wrap the buttons in a `Space` (drawer header); a modal footer spaces them itself. */
  spaced?: boolean;
};

/** Cancel + primary Save, the Save button submitting `form` and spinning while it saves. */
export const FormActions = ({ form, onCancel, saving, testId, spaced = false }: FormActionsProps) => {
  const { t } = useTranslation();
  const cancel = <Button onClick={onCancel}>{t('common.cancel')}</Button>;
  const save = (
    <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid={testId}>
      {t('common.save')}
    </Button>
  );
  return spaced ? (
    <Space>
      {cancel}
      {save}
    </Space>
  ) : (
    <>
      {cancel}
      {save}
    </>
  );
};
