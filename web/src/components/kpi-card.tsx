import { InfoCircleOutlined } from '@ant-design/icons';
import { Card, Flex, Statistic, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A figure as a card: title (with an explaining tooltip), value, and a note under it. */
export const KpiCard = ({
  title,
  value,
  suffix,
  note,
  tip,
  color,
  testId,
}: {
  title: string;
  value: string | number;
  suffix?: string;
  note?: ReactNode;
  tip?: string;
  color?: string | undefined;
  testId: string;
}) => (
  <Card size="small" style={{ height: '100%' }} data-testid={testId}>
    <Statistic
      title={
        tip ? (
          <Flex align="center" gap={4}>
            {title}
            <Tooltip title={tip}>
              <InfoCircleOutlined style={{ color: '#8c98a8' }} />
            </Tooltip>
          </Flex>
        ) : (
          title
        )
      }
      value={value}
      suffix={suffix}
      styles={{ content: { color, fontSize: 24 } }}
    />
    {note && (
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`${testId}-note`}>
        {note}
      </Typography.Text>
    )}
  </Card>
);
