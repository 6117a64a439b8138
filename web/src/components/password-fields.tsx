import { LockOutlined } from '@ant-design/icons';
import { Form, Input } from 'antd';
import type { FormRule } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export const PASSWORD_MIN_LENGTH = 10;

export type NewPasswordItemProps = {
  name: string;
  /** Also names the field in the "required" message. */
  label: string;
  extra?: ReactNode;
  /** Checked after "required" and the minimum length. */
  rules?: FormRule[];
};

/** A new password: required and at least {@link PASSWORD_MIN_LENGTH} characters. */
export const NewPasswordItem = ({ name, label, extra, rules = [] }: NewPasswordItemProps) => {
  const { t } = useTranslation();
  return (
    <Form.Item
      name={name}
      label={label}
      extra={extra}
      rules={[
        { required: true, message: t('common.required', { field: label }) },
        { min: PASSWORD_MIN_LENGTH, message: t('password.minLength', { min: PASSWORD_MIN_LENGTH }) },
        ...rules,
      ]}
    >
      <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
    </Form.Item>
  );
};

/** The `confirmPassword` field, which must repeat the field named `passwordField`. */
export const ConfirmPasswordItem = ({ passwordField }: { passwordField: string }) => {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="confirmPassword"
      label={t('password.confirm')}
      dependencies={[passwordField]}
      rules={[
        { required: true, message: t('password.confirmRequired') },
        ({ getFieldValue }) => ({
          validator: (_rule, value: string | undefined) =>
            !value || value === getFieldValue(passwordField)
              ? Promise.resolve()
              : Promise.reject(new Error(t('password.mismatch'))),
        }),
      ]}
    >
      <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
    </Form.Item>
  );
};
