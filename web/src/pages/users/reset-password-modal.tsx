import { Form } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { resetUserPassword } from '../../api/users';
import { FormModal } from '../../components/form-modal';
import { ConfirmPasswordItem, NewPasswordItem } from '../../components/password-fields';
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
    <FormModal
      open={requested !== null}
      title={t('users.resetTitle', { name: user?.displayName ?? '' })}
      width={460}
      onClose={onClose}
      form={form}
      mutation={mutation}
      submitTestId="reset-password-submit"
    >
      <NewPasswordItem name="password" label={t('password.new')} extra={t('users.initialPasswordHint')} />
      <ConfirmPasswordItem passwordField="password" />
    </FormModal>
  );
};
