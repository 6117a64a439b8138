import { DeleteOutlined, StarOutlined } from '@ant-design/icons';
import { Button, Empty, Flex, Input, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session-context';
import { useFeedback } from '../../lib/use-feedback';
import type { CaseFilters, SavedView } from './case-filters';
import { readSavedViews, writeSavedViews } from './case-filters';

/** Named filter sets of the case list, kept in this browser per user (常用视图). */
export const SavedViews = ({
  current,
  onApply,
}: {
  current: CaseFilters;
  onApply: (filters: CaseFilters) => void;
}) => {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = useFeedback();
  const userId = user?.id ?? 0;
  const [views, setViews] = useState<SavedView[]>(() => readSavedViews(userId));
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');

  const store = (next: SavedView[]) => {
    setViews(next);
    writeSavedViews(userId, next);
  };

  const save = () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    const exists = views.some((v) => v.name === trimmed);
    store([{ name: trimmed, filters: current }, ...views.filter((v) => v.name !== trimmed)]);
    void message.success(t(exists ? 'cases.saved.replaced' : 'cases.saved.saved', { name: trimmed }));
    setName('');
  };

  const remove = (view: SavedView) => {
    store(views.filter((v) => v.name !== view.name));
    void message.success(t('cases.saved.deleted', { name: view.name }));
  };

  const content = (
    <Flex vertical gap={8} style={{ width: 300 }} data-testid="case-saved-views">
      {views.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('cases.saved.empty')}
          style={{ margin: 8 }}
        />
      ) : (
        <Flex vertical gap={2} style={{ maxHeight: 280, overflow: 'auto' }}>
          {views.map((view) => (
            <Flex key={view.name} align="center" justify="space-between" gap={4}>
              <Button
                type="text"
                size="small"
                style={{ flex: 1, justifyContent: 'flex-start', minWidth: 0 }}
                onClick={() => {
                  onApply(view.filters);
                  setOpen(false);
                }}
                data-testid="case-saved-view"
              >
                <Typography.Text ellipsis>{view.name}</Typography.Text>
              </Button>
              <Button
                type="text"
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('cases.saved.delete')}
                onClick={() => remove(view)}
              />
            </Flex>
          ))}
        </Flex>
      )}
      <Typography.Text strong style={{ fontSize: 13, marginTop: 4 }}>
        {t('cases.saved.save')}
      </Typography.Text>
      <Flex gap={6}>
        <Input
          size="small"
          placeholder={t('cases.saved.namePlaceholder')}
          aria-label={t('cases.saved.name')}
          value={name}
          maxLength={40}
          onChange={(e) => setName(e.target.value)}
          onPressEnter={save}
          data-testid="case-saved-view-name"
        />
        <Button
          size="small"
          type="primary"
          disabled={!name.trim()}
          onClick={save}
          data-testid="case-saved-view-save"
        >
          {t('common.save')}
        </Button>
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('cases.saved.hint')}
      </Typography.Text>
    </Flex>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('cases.saved.title')}
      content={content}
      open={open}
      onOpenChange={setOpen}
    >
      <Button icon={<StarOutlined />} data-testid="case-saved-views-button">
        {t('cases.saved.button')}
      </Button>
    </Popover>
  );
};
