import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

export const PageHeader = ({
  title,
  subtitle,
  extra,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  extra?: ReactNode;
}) => (
  <Flex className="gk-page-header" justify="space-between" align="flex-end" gap={16} wrap>
    <div>
      <Typography.Title level={4}>{title}</Typography.Title>
      {subtitle ? (
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {subtitle}
        </Typography.Text>
      ) : null}
    </div>
    {extra ? <Flex gap={8}>{extra}</Flex> : null}
  </Flex>
);
