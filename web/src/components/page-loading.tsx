import { Flex, Spin } from 'antd';
import { useTranslation } from 'react-i18next';

export const PageLoading = ({ fullscreen = false }: { fullscreen?: boolean }) => {
  const { t } = useTranslation();
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      gap={12}
      style={{ minHeight: fullscreen ? '100vh' : 320, width: '100%' }}
      role="status"
    >
      <Spin size="large" />
      <span style={{ color: '#8c98a8' }}>{t('common.loading')}</span>
    </Flex>
  );
};
