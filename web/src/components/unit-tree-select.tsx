import { TreeSelect } from 'antd';
import type { TreeSelectProps } from 'antd';
import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit } from '../api/types';
import { buildUnitTree, descendantIds, unitDisplayName } from '../lib/unit-tree';
import type { UnitNode } from '../lib/unit-tree';
import { useUnits } from '../lib/use-units';
import { UnitKindIcon } from './unit-kind-tag';

type Option = { value: number; title: string; label: ReactNode; disabled?: boolean; children: Option[] };

type Props = Omit<TreeSelectProps<number>, 'treeData' | 'value' | 'onChange'> & {
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** A unit (and its subtree) that may not be chosen, e.g. the unit being moved. */
  excludeSubtreeOf?: number;
};

/** Pick one unit out of the tree the user may see. Works inside antd Form.Item (value / onChange). */
export const UnitTreeSelect = ({ value, onChange, excludeSubtreeOf, ...rest }: Props) => {
  const { i18n } = useTranslation();
  const { data: units, isPending } = useUnits();
  const treeData = useMemo(() => {
    const excluded =
      excludeSubtreeOf !== undefined && units ? descendantIds(units, excludeSubtreeOf) : new Set<number>();
    const toOption = (node: UnitNode): Option => {
      const unit: Unit = node.unit;
      const name = unitDisplayName(unit, i18n.language);
      return {
        value: unit.id,
        title: `${name} ${unit.code}`,
        label: (
          <span>
            <UnitKindIcon kind={unit.kind} /> {name}
          </span>
        ),
        disabled: excluded.has(unit.id),
        children: node.children.map(toOption),
      };
    };
    return buildUnitTree(units ?? []).map(toOption);
  }, [units, excludeSubtreeOf, i18n.language]);

  return (
    <TreeSelect<number>
      showSearch
      allowClear
      treeDefaultExpandAll
      loading={isPending}
      treeNodeFilterProp="title"
      treeNodeLabelProp="label"
      treeData={treeData}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxHeight: 420, minWidth: 280 } } }}
      {...rest}
    />
  );
};
