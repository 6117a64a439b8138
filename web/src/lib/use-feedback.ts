import { App } from 'antd';
import { useCallback } from 'react';
import { errorText } from './api-errors';

/** antd's message / notification / modal bound to the app theme and locale, plus one way to show errors. */
export const useFeedback = () => {
  const { message, notification, modal } = App.useApp();
  const showError = useCallback(
    (error: unknown, title?: string) => {
      if (title) notification.error({ title, description: errorText(error), placement: 'topRight' });
      else void message.error(errorText(error));
    },
    [message, notification],
  );
  return { message, notification, modal, showError };
};
