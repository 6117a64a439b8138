import { GlobalOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../api/types';
import { LANGUAGES, currentLanguage, setLanguage } from '../i18n';

/** Both languages visible at once (used where there is no user menu, e.g. the login page). */
export const LanguageSwitch = ({ onChange }: { onChange?: (lang: Locale) => void }) => {
  const { t, i18n } = useTranslation();
  const active = currentLanguage();
  return (
    <Space size={2} aria-label={t('lang.label')} data-lang={i18n.language}>
      <GlobalOutlined style={{ color: '#8c98a8', marginInlineEnd: 4 }} />
      {LANGUAGES.map((lang) => (
        <Button
          key={lang}
          size="small"
          type={active === lang ? 'primary' : 'text'}
          ghost={false}
          data-testid={`lang-${lang}`}
          aria-pressed={active === lang}
          onClick={() => {
            void setLanguage(lang);
            onChange?.(lang);
          }}
        >
          {t(`lang.${lang}`)}
        </Button>
      ))}
    </Space>
  );
};
