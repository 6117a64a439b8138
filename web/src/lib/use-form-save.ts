import { Form } from 'antd';
import type { FormInstance } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { QueryKey, UseMutationResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFormErrors } from './api-errors';
import { useFeedback } from './use-feedback';

export type FormSaveOptions<Values, Result> = {
  /** Creates or updates from the submitted values. */
  save: (values: Values) => Promise<Result>;
  /** Whether the form creates (toast "Created") or edits (toast "Saved"). */
  creating: boolean;
  /** Queries to refetch after a save. */
  invalidateKey: QueryKey;
  /** Called after a successful save, usually to close the form. */
  onDone: () => void;
};

/**
 * The form instance of a create/edit form plus its save mutation: on success a "Created" / "Saved"
 * toast, a refetch of `invalidateKey` and `onDone()`; on failure the API's field issues go onto the
 * fields, anything else becomes a toast.
 */
export const useFormSave = <Values, Result>({
  save,
  creating,
  invalidateKey,
  onDone,
}: FormSaveOptions<Values, Result>): {
  form: FormInstance<Values>;
  mutation: UseMutationResult<Result, Error, Values>;
} => {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();

  const mutation = useMutation({
    mutationFn: save,
    onSuccess: () => {
      void message.success(creating ? t('common.created') : t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: invalidateKey });
      onDone();
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  return { form, mutation };
};
