import { EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Popover, Spin, Tooltip, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { revealCustomerContact } from '../../api/customers';
import type { Customer } from '../../api/types';
import { errorText } from '../../lib/api-errors';

const Numbers = ({ phone, phone2 }: { phone: string | null; phone2: string | null }) => (
  <Flex vertical>
    {[phone, phone2]
      .filter((n): n is string => n !== null)
      .map((n) => (
        <Typography.Text key={n} style={{ whiteSpace: 'nowrap' }}>
          {n}
        </Typography.Text>
      ))}
  </Flex>
);

/**
 * The phone numbers of a customer as the server sent them; masked ones get an eye button that asks
 * for the full numbers (an audited act) and shows them in a popover.
 */
export const CustomerPhones = ({ customer }: { customer: Customer }) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const reveal = useMutation({ mutationFn: () => revealCustomerContact(customer.id) });

  if (customer.phone === null && customer.phone2 === null)
    return <Typography.Text type="secondary">—</Typography.Text>;
  if (!customer.contactMasked) return <Numbers phone={customer.phone} phone2={customer.phone2} />;

  const content = (
    <div style={{ minWidth: 200, maxWidth: 280 }} data-testid={`customer-revealed-${customer.id}`}>
      {reveal.isPending ? (
        <Spin size="small" />
      ) : reveal.isError ? (
        <Alert
          type="error"
          showIcon
          title={t('customers.revealFailed')}
          description={errorText(reveal.error)}
        />
      ) : reveal.data ? (
        <Numbers phone={reveal.data.phone} phone2={reveal.data.phone2} />
      ) : null}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
        {t('customers.revealNote')}
      </Typography.Paragraph>
    </div>
  );

  return (
    <Flex align="center" gap={4}>
      <Numbers phone={customer.phone} phone2={customer.phone2} />
      <Popover
        trigger="click"
        title={t('customers.revealTitle')}
        content={content}
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          // Asked once (every asking is recorded); a failed request is tried again on the next opening.
          if (next && !reveal.isPending && (reveal.isError || !reveal.data)) reveal.mutate();
        }}
      >
        <Tooltip title={open ? undefined : t('customers.reveal')}>
          <Button
            type="text"
            size="small"
            icon={<EyeOutlined />}
            aria-label={t('customers.reveal')}
            data-testid={`customer-reveal-${customer.id}`}
          />
        </Tooltip>
      </Popover>
    </Flex>
  );
};
