import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Input, Skeleton, Space, Tag, Tooltip, Tree } from 'antd';
import type { TreeDataNode } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit } from '../../api/types';
import { Highlight } from '../../components/highlight';
import { UnitKindIcon, UnitKindTag } from '../../components/unit-kind-tag';
import { errorText } from '../../lib/api-errors';
import { ancestorIds, buildUnitTree, unitDisplayName } from '../../lib/unit-tree';
import type { UnitNode } from '../../lib/unit-tree';

type Props = {
  units: Unit[] | undefined;
  isPending: boolean;
  error: unknown;
  onRetry: () => void;
  selectedId: number | null;
  onSelect: (id: number) => void;
  canWrite: boolean;
  onAdd: () => void;
  onEdit: () => void;
  onDelete: () => void;
};

/** Trees larger than this render virtually (fixed height) so a big company stays fast. */
const VIRTUAL_THRESHOLD = 500;

const matches = (unit: Unit, q: string): boolean => {
  const needle = q.toLowerCase();
  return (
    unit.name.toLowerCase().includes(needle) ||
    unit.code.toLowerCase().includes(needle) ||
    (unit.nameEn ?? '').toLowerCase().includes(needle)
  );
};

/** Keeps matching nodes and the path down to them. */
const filterTree = (nodes: UnitNode[], q: string): UnitNode[] =>
  nodes.flatMap((node) => {
    const children = filterTree(node.children, q);
    return matches(node.unit, q) || children.length > 0 ? [{ ...node, children }] : [];
  });

const collectKeys = (nodes: UnitNode[], out: number[] = []): number[] => {
  for (const n of nodes) {
    if (n.children.length) {
      out.push(n.unit.id);
      collectKeys(n.children, out);
    }
  }
  return out;
};

export const UnitTree = ({
  units,
  isPending,
  error,
  onRetry,
  selectedId,
  onSelect,
  canWrite,
  onAdd,
  onEdit,
  onDelete,
}: Props) => {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<number[] | null>(null);
  const q = search.trim();

  const tree = useMemo(() => buildUnitTree(units ?? []), [units]);
  const visibleTree = useMemo(() => (q ? filterTree(tree, q) : tree), [tree, q]);

  // First view: the top two levels open, plus the way down to the selected unit.
  useEffect(() => {
    if (expanded !== null || !units || units.length === 0) return;
    const initial = new Set<number>();
    const walk = (nodes: UnitNode[]) => {
      for (const n of nodes) {
        if (n.depth < 2 && n.children.length) initial.add(n.unit.id);
        walk(n.children);
      }
    };
    walk(tree);
    if (selectedId !== null) for (const id of ancestorIds(units, selectedId)) initial.add(id);
    setExpanded([...initial]);
  }, [units, tree, selectedId, expanded]);

  // A unit selected from elsewhere (URL, newly created) is revealed.
  useEffect(() => {
    if (!units || selectedId === null) return;
    const path = ancestorIds(units, selectedId);
    setExpanded((prev) => {
      if (prev === null) return prev;
      const missing = path.filter((id) => !prev.includes(id));
      return missing.length ? [...prev, ...missing] : prev;
    });
  }, [units, selectedId]);

  const treeData = useMemo(() => {
    const toData = (node: UnitNode): TreeDataNode => {
      const unit = node.unit;
      const name = unitDisplayName(unit, i18n.language);
      return {
        key: unit.id,
        title: (
          <span
            className={`gk-tree-title${unit.active ? '' : ' gk-tree-title-inactive'}`}
            data-testid={`unit-node-${unit.id}`}
            title={`${name}（${unit.code}）`}
          >
            <span className="gk-tree-kind-icon">
              <UnitKindIcon kind={unit.kind} />
            </span>
            <span className="gk-tree-title-name">
              <Highlight text={name} query={q} />
            </span>
            <UnitKindTag kind={unit.kind} compact />
            {!unit.active && (
              <Tag style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '18px', paddingInline: 4 }}>
                {t('org.inactive')}
              </Tag>
            )}
          </span>
        ),
        children: node.children.map(toData),
      };
    };
    return visibleTree.map(toData);
  }, [visibleTree, q, i18n.language, t]);

  const expandedKeys = q ? collectKeys(visibleTree) : (expanded ?? []);
  const hasSelection = selectedId !== null && (units ?? []).some((u) => u.id === selectedId);

  let body: ReactNode;
  if (isPending) body = <Skeleton active paragraph={{ rows: 8 }} title={false} />;
  else if (error)
    body = (
      <Alert
        type="error"
        showIcon
        title={t('common.loadFailed')}
        description={errorText(error)}
        action={
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  else if (tree.length === 0)
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <div>{t('org.emptyTree')}</div>
            <div style={{ color: '#8c98a8', fontSize: 12 }}>
              {canWrite ? t('org.emptyTreeWrite') : t('org.emptyTreeRead')}
            </div>
          </>
        }
      />
    );
  else if (visibleTree.length === 0)
    body = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.noMatch', { q })} />;
  else
    body = (
      <Tree
        blockNode
        showLine={{ showLeafIcon: false }}
        treeData={treeData}
        selectedKeys={selectedId !== null ? [selectedId] : []}
        expandedKeys={expandedKeys}
        onExpand={(keys) => {
          if (!q) setExpanded(keys.map(Number));
        }}
        onSelect={(keys) => {
          const key = keys[0];
          if (key !== undefined) onSelect(Number(key));
        }}
        height={(units?.length ?? 0) > VIRTUAL_THRESHOLD ? 560 : undefined}
      />
    );

  return (
    <Card
      className="gk-org-tree-card"
      title={t('org.treeTitle')}
      extra={
        <Tooltip title={t('common.refresh')}>
          <Button
            type="text"
            size="small"
            icon={<ReloadOutlined />}
            onClick={onRetry}
            aria-label={t('common.refresh')}
          />
        </Tooltip>
      }
    >
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        {canWrite && (
          <Space size={6} wrap>
            <Button
              type="primary"
              size="small"
              icon={<PlusOutlined />}
              onClick={onAdd}
              data-testid="unit-add"
            >
              {hasSelection ? t('org.addChild') : t('org.addRoot')}
            </Button>
            <Button
              size="small"
              icon={<EditOutlined />}
              onClick={onEdit}
              disabled={!hasSelection}
              data-testid="unit-edit"
            >
              {t('common.edit')}
            </Button>
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              onClick={onDelete}
              disabled={!hasSelection}
              data-testid="unit-delete"
            >
              {t('common.delete')}
            </Button>
          </Space>
        )}
        <Input.Search
          allowClear
          placeholder={t('org.treeSearch')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="unit-search"
        />
      </Space>
      <div className="gk-org-tree-scroll" data-testid="unit-tree">
        {body}
      </div>
    </Card>
  );
};
