import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFeedback } from './use-feedback';

export type ConfirmDeleteOptions<T> = {
  /** Deletes one item on the server. */
  mutationFn: (item: T) => Promise<unknown>;
  /** Queries to refetch once the item is gone. */
  invalidateKey: QueryKey;
  /** Heading of the confirm dialog, usually naming the item. */
  title: (item: T) => string;
  /** Body of the confirm dialog. */
  content: string;
};

/**
 * A danger "Delete?" confirm that deletes on OK, toasts "Deleted", refetches `invalidateKey`, and
 * shows the API's error (the dialog then closes). Returns `confirm(item)`.
 */
export const useConfirmDelete = <T>({
  mutationFn,
  invalidateKey,
  title,
  content,
}: ConfirmDeleteOptions<T>) => {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message, modal, showError } = useFeedback();

  const remove = useMutation({
    mutationFn,
    onSuccess: () => {
      void message.success(t('common.deleted'));
      void queryClient.invalidateQueries({ queryKey: invalidateKey });
    },
    onError: (error) => showError(error),
  });

  return (item: T) => {
    modal.confirm({
      title: title(item),
      content,
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => remove.mutateAsync(item).catch(() => undefined),
    });
  };
};
