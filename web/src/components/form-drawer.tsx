import { Drawer, Form } from 'antd';
import type { FormInstance, FormProps } from 'antd';
import type { ReactNode } from 'react';
import { FormActions } from './form-actions';
import { ResetOnOpen } from './reset-on-open';

export type FormDrawerProps<Values> = Pick<FormProps<Values>, 'initialValues'> & {
  open: boolean;
  title: ReactNode;
  size: number;
  onClose: () => void;
  form: FormInstance<Values>;
  /** Run with the values of a valid form; Save spins while it is pending. */
  mutation: { mutate: (values: Values) => void; isPending: boolean };
  /** `data-testid` of the Save button. */
  submitTestId: string;
  children: ReactNode;
};

/**
 * A drawer holding one vertical form: Cancel + Save in the header, Enter in a field submits, and the
 * fields are dropped when the drawer closes. The drawer counterpart of `FormModal`.
 */
export const FormDrawer = <Values,>({
  open,
  title,
  size,
  onClose,
  form,
  mutation,
  submitTestId,
  children,
  ...formProps
}: FormDrawerProps<Values>) => (
  <Drawer
    open={open}
    onClose={onClose}
    title={title}
    size={size}
    destroyOnHidden
    extra={
      <FormActions form={form} onCancel={onClose} saving={mutation.isPending} testId={submitTestId} spaced />
    }
  >
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={(v) => mutation.mutate(v)}
      preserve={false}
      {...formProps}
    >
      <ResetOnOpen form={form} />
      {children}
      <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
    </Form>
  </Drawer>
);
