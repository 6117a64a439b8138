import { Button, Result } from 'antd';
import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, useRouteError } from 'react-router';

const ErrorFallback = ({ notFound = false }: { notFound?: boolean }) => {
  const { t } = useTranslation();
  if (notFound) {
    return (
      <Result
        status="404"
        title={t('errors.notFoundTitle')}
        subTitle={t('errors.notFoundText')}
        extra={
          <Button type="primary" href="/">
            {t('errors.home')}
          </Button>
        }
      />
    );
  }
  return (
    <Result
      status="error"
      title={t('errors.boundaryTitle')}
      subTitle={t('errors.boundaryText')}
      extra={[
        <Button type="primary" key="reload" onClick={() => window.location.reload()}>
          {t('errors.reload')}
        </Button>,
        <Button key="home" href="/">
          {t('errors.home')}
        </Button>,
      ]}
    />
  );
};

type BoundaryState = { failed: boolean };

/**
 * Catches render errors anywhere below and shows a friendly page instead of a blank screen or a stack.
 * (Error boundaries must still be class components in React 19.)
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // Kept for developers in the console; users only see the friendly page.
    console.error('Unhandled UI error', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? <ErrorFallback /> : this.props.children;
  }
}

/** `errorElement` of the router: errors thrown while rendering or loading a route. */
export const RouteErrorPage = () => {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <ErrorFallback notFound />;
  console.error('Route error', error);
  return <ErrorFallback />;
};
