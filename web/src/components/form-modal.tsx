import { Form, Modal } from 'antd';
import type { FormInstance, FormProps } from 'antd';
import type { ReactNode } from 'react';
import { FormActions } from './form-actions';
import { ResetOnOpen } from './reset-on-open';

export type FormModalProps<Values> = Pick<FormProps<Values>, 'initialValues' | 'requiredMark' | 'style'> & {
  open: boolean;
  title: ReactNode;
  width: number;
  onClose: () => void;
  form: FormInstance<Values>;
  /** Run with the values of a valid form; Save spins while it is pending. */
  mutation: { mutate: (values: Values) => void; isPending: boolean };
  /** `data-testid` of the Save button. */
  submitTestId: string;
  children: ReactNode;
};

/**
 * A modal holding one vertical form: Cancel + Save in the footer, Enter in a field submits, and the
 * fields are dropped when the modal closes.
 */
export const FormModal = <Values,>({
  open,
  title,
  width,
  onClose,
  form,
  mutation,
  submitTestId,
  children,
  ...formProps
}: FormModalProps<Values>) => (
  <Modal
    open={open}
    title={title}
    onCancel={onClose}
    destroyOnHidden
    width={width}
    footer={<FormActions form={form} onCancel={onClose} saving={mutation.isPending} testId={submitTestId} />}
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
  </Modal>
);
