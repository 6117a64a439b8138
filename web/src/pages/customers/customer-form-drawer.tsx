import { Checkbox, Divider, Form, Input, Radio } from 'antd';
import type { FormRule } from 'antd';
import { useTranslation } from 'react-i18next';
import { createCustomer, updateCustomer } from '../../api/customers';
import { queryKeys } from '../../api/query-keys';
import { CUSTOMER_KINDS, CUSTOMER_TAGS } from '../../api/types';
import type {
  Customer,
  CustomerKind,
  CustomerTag,
  CustomerTextFields,
  UpdateCustomerInput,
} from '../../api/types';
import { FormDrawer } from '../../components/form-drawer';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { blankToNull } from '../../lib/format';
import { useFormSave } from '../../lib/use-form-save';
import { useSticky } from '../../lib/use-sticky';

export type CustomerFormMode =
  { type: 'create'; unitId: number | null } | { type: 'edit'; customer: Customer };

type TextField = keyof CustomerTextFields;
const TEXT_FIELDS: readonly TextField[] = [
  'externalKey',
  'phone',
  'phone2',
  'address',
  'building',
  'room',
  'notes',
];
const PHONE_FIELDS: readonly TextField[] = ['phone', 'phone2'];

type Values = { unitId: number | null; name: string; kind: CustomerKind; tags: CustomerTag[] } & {
  [K in TextField]?: string;
};

const initialValuesFor = (mode: CustomerFormMode | null): Partial<Values> => {
  if (!mode) return {};
  if (mode.type === 'create') return { unitId: mode.unitId, kind: 'person', tags: [] };
  const c = mode.customer;
  const values: Partial<Values> = { unitId: c.unitId, name: c.name, kind: c.kind, tags: c.tags };
  for (const f of TEXT_FIELDS) values[f] = c[f] ?? '';
  return values;
};

/** What the server accepts: digits, spaces, + and - (docs/customers.md). */
const PHONE_PATTERN = /^[0-9+\- ]*$/;

/** A masked number left as it was means "keep the stored number", never "store the stars". */
const keptMasked = (customer: Customer | null, field: TextField, value: string | null): boolean =>
  customer !== null &&
  customer.contactMasked &&
  PHONE_FIELDS.includes(field) &&
  value !== null &&
  value === customer[field];

export const CustomerFormDrawer = ({
  mode: requested,
  onClose,
}: {
  mode: CustomerFormMode | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const mode = useSticky(requested);
  const editing = mode?.type === 'edit' ? mode.customer : null;

  const { form, mutation } = useFormSave({
    save: async (v: Values): Promise<Customer> => {
      if (!mode) throw new Error('no form mode');
      const unitId = v.unitId;
      if (unitId === null) throw new Error('unit required');
      if (mode.type === 'create') {
        const input: Parameters<typeof createCustomer>[0] = {
          unitId,
          name: v.name.trim(),
          kind: v.kind,
          tags: v.tags,
        };
        for (const f of TEXT_FIELDS) {
          const value = blankToNull(v[f]);
          if (value !== null) input[f] = value;
        }
        return createCustomer(input);
      }
      const c = mode.customer;
      const patch: UpdateCustomerInput = {};
      if (unitId !== c.unitId) patch.unitId = unitId;
      if (v.name.trim() !== c.name) patch.name = v.name.trim();
      if (v.kind !== c.kind) patch.kind = v.kind;
      if (v.tags.length !== c.tags.length || v.tags.some((tag) => !c.tags.includes(tag))) patch.tags = v.tags;
      for (const f of TEXT_FIELDS) {
        const value = blankToNull(v[f]);
        if (value !== c[f]) patch[f] = value;
      }
      if (Object.keys(patch).length === 0) return c;
      return updateCustomer(c.id, patch);
    },
    creating: mode?.type === 'create',
    invalidateKey: queryKeys.customers,
    onDone: onClose,
  });

  const maxRule = (field: string, max: number) => ({ max, message: t('common.maxLength', { field, max }) });
  const text = (name: TextField, label: string, max = 100, extra: FormRule[] = [], help?: string) => (
    <Form.Item name={name} label={label} rules={[maxRule(label, max), ...extra]} extra={help}>
      <Input autoComplete="off" />
    </Form.Item>
  );
  const phone = (name: TextField, label: string) =>
    text(
      name,
      label,
      32,
      [
        {
          validator: (_rule, value: string | undefined) =>
            !value || PHONE_PATTERN.test(value) || keptMasked(editing, name, blankToNull(value))
              ? Promise.resolve()
              : Promise.reject(new Error(t('customers.form.phoneInvalid'))),
        },
      ],
      editing?.contactMasked && editing[name] ? t('customers.form.maskedHint') : undefined,
    );
  const grid = { display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 } as const;

  const submit = (v: Values) => {
    // A masked number left untouched is not sent back.
    const values = { ...v };
    for (const f of PHONE_FIELDS)
      if (keptMasked(editing, f, blankToNull(values[f]))) values[f] = editing?.[f] ?? '';
    mutation.mutate(values);
  };

  return (
    <FormDrawer
      open={requested !== null}
      onClose={onClose}
      title={editing ? t('customers.form.editTitle') : t('customers.form.createTitle')}
      size={560}
      form={form}
      mutation={{ mutate: submit, isPending: mutation.isPending }}
      submitTestId="customer-form-submit"
      initialValues={initialValuesFor(mode)}
    >
      <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
        {t('customers.form.basic')}
      </Divider>
      <div style={grid}>
        <Form.Item
          name="name"
          label={t('customers.name')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('common.required', { field: t('customers.name') }),
            },
            maxRule(t('customers.name'), 100),
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        {text('externalKey', t('customers.externalKey'), 64, [], t('customers.externalKeyHint'))}
      </div>
      <Form.Item name="kind" label={t('customers.kind')}>
        <Radio.Group
          optionType="button"
          options={CUSTOMER_KINDS.map((kind) => ({ value: kind, label: t(`customers.kinds.${kind}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="unitId"
        label={t('customers.unit')}
        rules={[{ required: true, message: t('common.requiredSelect', { field: t('customers.unit') }) }]}
      >
        <UnitTreeSelect allowClear={false} />
      </Form.Item>
      <Form.Item name="tags" label={t('customers.tags')}>
        <Checkbox.Group
          options={CUSTOMER_TAGS.map((tag) => ({ value: tag, label: t(`customers.tagNames.${tag}`) }))}
        />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t('customers.form.contact')}
      </Divider>
      <div style={grid}>
        {phone('phone', t('customers.phone'))}
        {phone('phone2', t('customers.phone2'))}
      </div>

      <Divider titlePlacement="start" plain>
        {t('customers.form.location')}
      </Divider>
      {text('address', t('customers.address'), 200)}
      <div style={grid}>
        {text('building', t('customers.building'), 50)}
        {text('room', t('customers.room'), 50)}
      </div>

      <Divider titlePlacement="start" plain>
        {t('customers.form.other')}
      </Divider>
      <Form.Item name="notes" label={t('customers.notes')} rules={[maxRule(t('customers.notes'), 2000)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
    </FormDrawer>
  );
};
