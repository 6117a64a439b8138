import { LockOutlined } from '@ant-design/icons';
import { Form, Input } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changePassword } from '../api/auth';
import { ApiError } from '../api/client';
import { FormModal } from '../components/form-modal';
import { ConfirmPasswordItem, NewPasswordItem } from '../components/password-fields';
import { applyFormErrors } from '../lib/api-errors';
import { useFeedback } from '../lib/use-feedback';

type Values = { currentPassword: string; newPassword: string; confirmPassword: string };

export const ChangePasswordModal = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message, showError } = useFeedback();
  const mutation = useMutation({
    mutationFn: (v: Values) =>
      changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword }),
    onSuccess: () => {
      void message.success(t('password.changed'));
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'auth.wrong_password') {
        form.setFields([{ name: 'currentPassword', errors: [error.message] }]);
        return;
      }
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  return (
    <FormModal
      open={open}
      title={t('password.title')}
      width={460}
      onClose={onClose}
      form={form}
      mutation={mutation}
      submitTestId="password-form-submit"
      requiredMark
    >
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('common.required', { field: t('password.current') }) }]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
      </Form.Item>
      <NewPasswordItem
        name="newPassword"
        label={t('password.new')}
        extra={t('password.hint')}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_rule, value: string | undefined) =>
              value && value === getFieldValue('currentPassword')
                ? Promise.reject(new Error(t('password.sameAsCurrent')))
                : Promise.resolve(),
          }),
        ]}
      />
      <ConfirmPasswordItem passwordField="newPassword" />
    </FormModal>
  );
};
