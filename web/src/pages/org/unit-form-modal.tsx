import { Form, Input, InputNumber, Select, Switch } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createUnit, updateUnit } from '../../api/org';
import { queryKeys } from '../../api/query-keys';
import type { Unit, UnitKind, UpdateUnitInput } from '../../api/types';
import { UNIT_KINDS } from '../../api/types';
import { FormModal } from '../../components/form-modal';
import { UnitKindIcon } from '../../components/unit-kind-tag';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { applyFormErrors } from '../../lib/api-errors';
import { blankToNull } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';
import { useSticky } from '../../lib/use-sticky';

export type UnitFormMode = { type: 'create'; parent: Unit | null } | { type: 'edit'; unit: Unit };

type Values = {
  parentId: number | null;
  code: string;
  name: string;
  nameEn?: string;
  kind: UnitKind;
  sortOrder?: number | null;
  active?: boolean;
};

/** The usual next level down, so adding a child needs one click less. */
const CHILD_KIND: Record<UnitKind, UnitKind> = {
  company: 'branch',
  branch: 'department',
  department: 'team',
  grid: 'area',
  area: 'site',
  team: 'site',
  site: 'site',
};

const initialValuesFor = (mode: UnitFormMode | null): Partial<Values> => {
  if (!mode) return {};
  if (mode.type === 'edit') {
    const u = mode.unit;
    return {
      parentId: u.parentId,
      code: u.code,
      name: u.name,
      nameEn: u.nameEn ?? '',
      kind: u.kind,
      sortOrder: u.sortOrder,
      active: u.active,
    };
  }
  return {
    parentId: mode.parent?.id ?? null,
    kind: mode.parent ? CHILD_KIND[mode.parent.kind] : 'company',
    sortOrder: 0,
  };
};

export const UnitFormModal = ({
  mode: requested,
  onClose,
  onSaved,
}: {
  mode: UnitFormMode | null;
  onClose: () => void;
  onSaved: (unit: Unit) => void;
}) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const mode = useSticky(requested);

  const mutation = useMutation({
    mutationFn: async (v: Values): Promise<Unit> => {
      if (!mode) throw new Error('no form mode');
      if (mode.type === 'create') {
        return createUnit({
          parentId: v.parentId ?? null,
          code: v.code.trim(),
          name: v.name.trim(),
          nameEn: blankToNull(v.nameEn),
          kind: v.kind,
          sortOrder: v.sortOrder ?? 0,
        });
      }
      const u = mode.unit;
      const patch: UpdateUnitInput = {};
      if ((v.parentId ?? null) !== u.parentId) patch.parentId = v.parentId ?? null;
      if (v.code.trim() !== u.code) patch.code = v.code.trim();
      if (v.name.trim() !== u.name) patch.name = v.name.trim();
      if (blankToNull(v.nameEn) !== u.nameEn) patch.nameEn = blankToNull(v.nameEn);
      if (v.kind !== u.kind) patch.kind = v.kind;
      if ((v.sortOrder ?? 0) !== u.sortOrder) patch.sortOrder = v.sortOrder ?? 0;
      if (v.active !== undefined && v.active !== u.active) patch.active = v.active;
      if (Object.keys(patch).length === 0) return u;
      return updateUnit(u.id, patch);
    },
    onSuccess: async (unit) => {
      void message.success(mode?.type === 'create' ? t('common.created') : t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: queryKeys.units });
      void queryClient.invalidateQueries({ queryKey: queryKeys.people });
      onSaved(unit);
    },
    onError: (error) => {
      if (!applyFormErrors(form, error)) showError(error);
    },
  });

  const requiredText = (field: string) => t('common.required', { field });
  const editing = mode?.type === 'edit' ? mode.unit : null;

  return (
    <FormModal
      open={requested !== null}
      title={editing ? t('org.unitForm.editTitle') : t('org.unitForm.createTitle')}
      width={560}
      onClose={onClose}
      form={form}
      mutation={mutation}
      submitTestId="unit-form-submit"
      initialValues={initialValuesFor(mode)}
      style={{ marginTop: 12 }}
    >
      <Form.Item name="parentId" label={t('org.unit.parent')}>
        <UnitTreeSelect placeholder={t('org.unitForm.parentNone')} excludeSubtreeOf={editing?.id} />
      </Form.Item>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 }}>
        <Form.Item
          name="code"
          label={t('org.unit.code')}
          tooltip={t('org.unitForm.codeHint')}
          rules={[
            { required: true, whitespace: true, message: requiredText(t('org.unit.code')) },
            { max: 64, message: t('common.maxLength', { field: t('org.unit.code'), max: 64 }) },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="kind"
          label={t('org.unit.kind')}
          rules={[{ required: true, message: t('common.requiredSelect', { field: t('org.unit.kind') }) }]}
        >
          <Select
            options={UNIT_KINDS.map((k) => ({
              value: k,
              label: (
                <span>
                  <UnitKindIcon kind={k} /> {t(`unitKind.${k}`)}
                </span>
              ),
            }))}
          />
        </Form.Item>
      </div>
      <Form.Item
        name="name"
        label={t('org.unit.name')}
        rules={[
          { required: true, whitespace: true, message: requiredText(t('org.unit.name')) },
          { max: 100, message: t('common.maxLength', { field: t('org.unit.name'), max: 100 }) },
        ]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="nameEn"
        label={t('org.unit.nameEn')}
        rules={[{ max: 200, message: t('common.maxLength', { field: t('org.unit.nameEn'), max: 200 }) }]}
      >
        <Input autoComplete="off" placeholder={t('common.optional')} />
      </Form.Item>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 }}>
        <Form.Item name="sortOrder" label={t('org.unit.sortOrder')} tooltip={t('org.unitForm.sortOrderHint')}>
          <InputNumber min={0} max={999999} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        {editing && (
          <Form.Item
            name="active"
            label={t('org.unit.active')}
            valuePropName="checked"
            tooltip={t('org.unitForm.activeHint')}
          >
            <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
          </Form.Item>
        )}
      </div>
    </FormModal>
  );
};
