import { CheckCircleFilled, LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSession } from '../../auth/session-context';
import { LanguageSwitch } from '../../components/language-switch';
import { PageLoading } from '../../components/page-loading';
import { ProductMark } from '../../components/product-mark';
import { errorText } from '../../lib/api-errors';

type Values = { username: string; password: string };

/** The home page: the dashboard for whoever may read indicators, else the organisation. */
const DEFAULT_TARGET = '/';

/** Only same-site paths: `?redirect=https://evil.example` or `//evil` must not send the user away. */
const safeRedirect = (value: string | null): string => {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return DEFAULT_TARGET;
  if (value === '/' || value.startsWith('/login')) return DEFAULT_TARGET;
  return value;
};

export const LoginPage = () => {
  const { t } = useTranslation();
  const { session, isLoading, login } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const target = safeRedirect(params.get('redirect'));

  const mutation = useMutation({
    mutationFn: login,
    onSuccess: () => navigate(target, { replace: true }),
    onError: (e) => {
      setError(errorText(e));
      form.setFieldValue('password', '');
    },
  });

  if (isLoading) return <PageLoading fullscreen />;
  if (session && !mutation.isPending && !mutation.isSuccess) return <Navigate to={target} replace />;

  const features = [
    t('login.features.register'),
    t('login.features.dispatch'),
    t('login.features.follow'),
    t('login.features.assess'),
  ];

  return (
    <div className="gk-login">
      <section className="gk-login-banner" aria-label={t('app.tagline')}>
        <ProductMark size={40} />
        <div>
          <h1>管控 Guankong</h1>
          <p className="gk-login-tagline">{t('app.tagline')}</p>
          <ul className="gk-login-features">
            {features.map((f) => (
              <li key={f}>
                <CheckCircleFilled />
                <span>{f}</span>
              </li>
            ))}
          </ul>
        </div>
        <Typography.Text className="gk-login-banner-foot" style={{ color: 'rgba(255,255,255,0.55)' }}>
          {t('app.slogan')}
        </Typography.Text>
      </section>

      <main className="gk-login-panel">
        <div className="gk-login-panel-top">
          <LanguageSwitch />
        </div>
        <div className="gk-login-form-wrap">
          <Card className="gk-login-card" variant="borderless">
            <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
              {t('login.title')}
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
              {t('login.subtitle')}
            </Typography.Paragraph>
            {error && (
              <Alert
                type="error"
                showIcon
                title={error}
                style={{ marginBottom: 20 }}
                data-testid="login-error"
                role="alert"
              />
            )}
            <Form<Values>
              form={form}
              layout="vertical"
              size="large"
              requiredMark={false}
              onFinish={(values) => {
                setError(null);
                mutation.mutate({ username: values.username.trim(), password: values.password });
              }}
              onValuesChange={() => error && setError(null)}
            >
              <Form.Item
                name="username"
                label={t('login.username')}
                rules={[{ required: true, whitespace: true, message: t('login.usernamePlaceholder') }]}
              >
                <Input
                  prefix={<UserOutlined />}
                  placeholder={t('login.usernamePlaceholder')}
                  autoComplete="username"
                  autoFocus
                  data-testid="login-username"
                />
              </Form.Item>
              <Form.Item
                name="password"
                label={t('login.password')}
                rules={[{ required: true, message: t('login.passwordPlaceholder') }]}
              >
                <Input.Password
                  prefix={<LockOutlined />}
                  placeholder={t('login.passwordPlaceholder')}
                  autoComplete="current-password"
                  data-testid="login-password"
                />
              </Form.Item>
              <Form.Item style={{ marginBottom: 8, marginTop: 8 }}>
                <Button
                  type="primary"
                  htmlType="submit"
                  block
                  loading={mutation.isPending}
                  data-testid="login-submit"
                >
                  {t('login.submit')}
                </Button>
              </Form.Item>
            </Form>
          </Card>
        </div>
        <div className="gk-login-copy">管控 Guankong · {t('login.footer')}</div>
      </main>
    </div>
  );
};
