import { LockOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changePassword } from '../api/auth';
import { ApiError } from '../api/client';
import { applyFormErrors } from '../lib/api-errors';
import { useFeedback } from '../lib/use-feedback';

export const PASSWORD_MIN_LENGTH = 10;

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
    <Modal
      open={open}
      title={t('password.title')}
      onCancel={onClose}
      destroyOnHidden
      width={460}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="submit"
          type="primary"
          loading={mutation.isPending}
          onClick={() => form.submit()}
          data-testid="password-form-submit"
        >
          {t('common.save')}
        </Button>,
      ]}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) => mutation.mutate(v)}
        requiredMark
        preserve={false}
      >
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('common.required', { field: t('password.current') }) }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.new')}
          extra={t('password.hint')}
          rules={[
            { required: true, message: t('common.required', { field: t('password.new') }) },
            { min: PASSWORD_MIN_LENGTH, message: t('password.minLength', { min: PASSWORD_MIN_LENGTH }) },
            ({ getFieldValue }) => ({
              validator: (_rule, value: string | undefined) =>
                value && value === getFieldValue('currentPassword')
                  ? Promise.reject(new Error(t('password.sameAsCurrent')))
                  : Promise.resolve(),
            }),
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_rule, value: string | undefined) =>
                !value || value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
};
