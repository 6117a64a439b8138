import { Button, Tooltip } from 'antd';
import type { ReactNode } from 'react';

/** A small icon button in a table row (edit, delete, history …): its title is the tooltip and the accessible name. */
export const IconAction = ({
  title,
  icon,
  onClick,
  testId,
  danger = false,
}: {
  title: string;
  icon: ReactNode;
  onClick: () => void;
  testId: string;
  danger?: boolean;
}) => (
  <Tooltip title={title}>
    <Button
      type="text"
      size="small"
      danger={danger}
      icon={icon}
      aria-label={title}
      onClick={onClick}
      data-testid={testId}
    />
  </Tooltip>
);
