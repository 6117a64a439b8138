import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomerTag } from '../../api/types';

const TAG_COLORS: Record<CustomerTag, string> = {
  key: 'red',
  vip: 'gold',
  sensitive: 'magenta',
  elderly: 'blue',
};

/** The fixed customer tags as small chips: 重点客户, VIP, 敏感, 老年. */
export const CustomerTags = ({ tags }: { tags: readonly CustomerTag[] }) => {
  const { t } = useTranslation();
  return (
    <>
      {tags.map((tag) => (
        <Tag key={tag} color={TAG_COLORS[tag]} variant="filled" style={{ marginInlineEnd: 4 }}>
          {t(`customers.tagNames.${tag}`)}
        </Tag>
      ))}
    </>
  );
};
