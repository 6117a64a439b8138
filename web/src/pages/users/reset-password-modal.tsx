import { LockOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { resetUserPassword } from '../../api/users';
import { PASSWORD_MIN_LENGTH } from '../../layout/change-password-modal';
import { applyFormErrors } from '../../lib/api-errors';
import { useFeedback } from '../../lib/use-feedback';
import { useSticky } from '../../lib/use-sticky';

type Values = { password: string; confirmPassword: string };

export const ResetPasswordModal = ({
  user: requested,
  onClose,
}: {
  user: User | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message, showError } = useFeedback();
  const user = useSticky(requested);
  const mutation = useMutation({
    mutationFn: (v: Values) => (user ? resetUserPassword(user.id, v.password) : Promise.resolve()),
    onSuccess: () => {
      void message.success(t('users.resetDone'));
      onClose();
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  return (
    <Modal
      open={requested !== null}
      title={t('users.resetTitle', { name: user?.displayName ?? '' })}
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
          data-testid="reset-password-submit"
        >
          {t('common.save')}
        </Button>,
      ]}
    >
      <Form<Values> form={form} layout="vertical" onFinish={(v) => mutation.mutate(v)} preserve={false}>
        <Form.Item
          name="password"
          label={t('password.new')}
          extra={t('users.initialPasswordHint')}
          rules={[
            { required: true, message: t('common.required', { field: t('password.new') }) },
            { min: PASSWORD_MIN_LENGTH, message: t('password.minLength', { min: PASSWORD_MIN_LENGTH }) },
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('password.confirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_rule, value: string | undefined) =>
                !value || value === getFieldValue('password')
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
