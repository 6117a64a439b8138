import { Divider, Form, Input } from 'antd';
import type { FormRule } from 'antd';
import { useTranslation } from 'react-i18next';
import { createPerson, updatePerson } from '../../api/org';
import { queryKeys } from '../../api/query-keys';
import type { Person, PersonTextFields, UpdatePersonInput } from '../../api/types';
import { FormDrawer } from '../../components/form-drawer';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { blankToNull } from '../../lib/format';
import { useFormSave } from '../../lib/use-form-save';
import { useSticky } from '../../lib/use-sticky';

export type PersonFormMode = { type: 'create'; unitId: number | null } | { type: 'edit'; person: Person };

type TextField = keyof PersonTextFields;
const TEXT_FIELDS: readonly TextField[] = [
  'employeeNo',
  'level',
  'position',
  'region',
  'city',
  'phone',
  'email',
];

type Values = { unitId: number | null; name: string } & { [K in TextField]?: string };

const initialValuesFor = (mode: PersonFormMode | null): Partial<Values> => {
  if (!mode) return {};
  if (mode.type === 'create') return { unitId: mode.unitId };
  const p = mode.person;
  const values: Partial<Values> = { unitId: p.unitId, name: p.name };
  for (const f of TEXT_FIELDS) values[f] = p[f] ?? '';
  return values;
};

// Loose on purpose: landlines with extensions (010-12345678-801), mobiles, +86 prefixes.
const PHONE_PATTERN = /^[+]?[\d\s()-]{5,30}$/;

export const PersonFormDrawer = ({
  mode: requested,
  onClose,
}: {
  mode: PersonFormMode | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const mode = useSticky(requested);
  const editing = mode?.type === 'edit' ? mode.person : null;

  const { form, mutation } = useFormSave({
    save: async (v: Values): Promise<Person> => {
      if (!mode) throw new Error('no form mode');
      const unitId = v.unitId;
      if (unitId === null) throw new Error('unit required');
      if (mode.type === 'create') {
        const input: Parameters<typeof createPerson>[0] = { unitId, name: v.name.trim() };
        for (const f of TEXT_FIELDS) {
          const value = blankToNull(v[f]);
          if (value !== null) input[f] = value;
        }
        return createPerson(input);
      }
      const p = mode.person;
      const patch: UpdatePersonInput = {};
      if (unitId !== p.unitId) patch.unitId = unitId;
      if (v.name.trim() !== p.name) patch.name = v.name.trim();
      for (const f of TEXT_FIELDS) {
        const value = blankToNull(v[f]);
        if (value !== p[f]) patch[f] = value;
      }
      if (Object.keys(patch).length === 0) return p;
      return updatePerson(p.id, patch);
    },
    creating: mode?.type === 'create',
    invalidateKey: queryKeys.people,
    onDone: onClose,
  });

  const maxRule = (field: string, max: number) => ({ max, message: t('common.maxLength', { field, max }) });
  const text = (name: TextField, label: string, max = 100, extra: FormRule[] = []) => (
    <Form.Item name={name} label={label} rules={[maxRule(label, max), ...extra]}>
      <Input autoComplete="off" />
    </Form.Item>
  );
  const grid = { display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 } as const;

  return (
    <FormDrawer
      open={requested !== null}
      onClose={onClose}
      title={editing ? t('org.personForm.editTitle') : t('org.personForm.createTitle')}
      size={560}
      form={form}
      mutation={mutation}
      submitTestId="person-form-submit"
      initialValues={initialValuesFor(mode)}
    >
      <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
        {t('org.personForm.basic')}
      </Divider>
      <div style={grid}>
        <Form.Item
          name="name"
          label={t('org.person.name')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('common.required', { field: t('org.person.name') }),
            },
            maxRule(t('org.person.name'), 50),
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        {text('employeeNo', t('org.person.employeeNo'), 50)}
      </div>
      <Form.Item
        name="unitId"
        label={t('org.person.unit')}
        rules={[{ required: true, message: t('common.requiredSelect', { field: t('org.person.unit') }) }]}
      >
        <UnitTreeSelect allowClear={false} />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t('org.personForm.job')}
      </Divider>
      <div style={grid}>
        {text('level', t('org.person.level'), 50)}
        {text('position', t('org.person.position'), 100)}
        {text('region', t('org.person.region'), 100)}
        {text('city', t('org.person.city'), 100)}
      </div>

      <Divider titlePlacement="start" plain>
        {t('org.personForm.contact')}
      </Divider>
      <div style={grid}>
        {text('phone', t('org.person.phone'), 30, [
          { pattern: PHONE_PATTERN, message: t('org.personForm.phoneInvalid') },
        ])}
        {text('email', t('org.person.email'), 200, [
          { type: 'email', message: t('org.personForm.emailInvalid') },
        ])}
      </div>
    </FormDrawer>
  );
};
