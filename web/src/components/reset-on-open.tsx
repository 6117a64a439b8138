import { useEffect } from 'react';
import type { FormInstance } from 'antd';

/**
 * Rendered inside a form that is mounted on every opening (drawer or modal with destroyOnHidden):
 * resets the reused form instance to this opening's initial values. Without it antd merges the
 * store of the previous opening over them, and an edit right after a create showed empty fields.
 */
export const ResetOnOpen = ({ form }: { form: FormInstance }) => {
  useEffect(() => {
    form.resetFields();
  }, [form]);
  return null;
};
