import { Alert, Divider, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { caseKeys, createCase, localName } from '../../api/cases';
import type { Case, CaseType, CreateCaseInput } from '../../api/cases';
import { CaseCustomerSelect, CaseTreeSelect, CaseUserSelect } from '../../components/case-pickers';
import { FormDrawer } from '../../components/form-drawer';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { blankToNull } from '../../lib/format';
import { useFormSave } from '../../lib/use-form-save';
import { useSticky } from '../../lib/use-sticky';
import { CustomField, fieldValues } from './case-custom-field';
import { useCaseCan, useCaseTypes } from './case-hooks';

/** What the drawer opens with: the type and unit the list is filtered to, when there is one. */
export type CaseCreateDefaults = { caseType?: string; unitId: number | null };

type Values = {
  caseType?: string;
  category?: string;
  priority?: string;
  title: string;
  description?: string;
  unitId: number | null;
  customerId?: number | null;
  assigneeUserId?: number | null;
  externalKey?: string;
  fields?: Record<string, unknown>;
};

const defaultPriorityOf = (type: CaseType | undefined): string | undefined =>
  type ? (type.definition.defaultPriority ?? type.definition.priorities[0]?.key) : undefined;

/** 登记工单: a form driven by the chosen case type (its categories, priorities and custom fields). */
export const CaseCreateDrawer = ({
  defaults: requested,
  onClose,
}: {
  defaults: CaseCreateDefaults | null;
  onClose: () => void;
}) => {
  const { t, i18n } = useTranslation();
  const defaults = useSticky(requested);
  const can = useCaseCan();
  const canDispatch = can('cases.dispatch');
  const { types, byKey, isPending: typesPending } = useCaseTypes();
  const activeTypes = types.filter((type) => type.active);

  const { form, mutation } = useFormSave({
    save: async (v: Values): Promise<Case> => {
      const type = v.caseType ? byKey.get(v.caseType) : undefined;
      if (!type || !v.category || v.unitId === null) throw new Error('incomplete form');
      const input: CreateCaseInput = {
        caseType: type.key,
        unitId: v.unitId,
        title: v.title.trim(),
        category: v.category,
        fields: fieldValues(type.definition.fields, v.fields),
      };
      const description = blankToNull(v.description);
      if (description !== null) input.description = description;
      if (v.priority) input.priority = v.priority;
      if (v.customerId) input.customerId = v.customerId;
      if (v.assigneeUserId) input.assigneeUserId = v.assigneeUserId;
      const externalKey = blankToNull(v.externalKey);
      if (externalKey !== null) input.externalKey = externalKey;
      return createCase(input);
    },
    creating: true,
    invalidateKey: caseKeys.all,
    onDone: onClose,
  });

  const typeKey = Form.useWatch('caseType', form);
  const type = typeKey ? byKey.get(typeKey) : undefined;
  const def = type?.definition;

  const initialType =
    defaults?.caseType && byKey.has(defaults.caseType)
      ? defaults.caseType
      : activeTypes.length === 1
        ? activeTypes[0]?.key
        : undefined;
  const initialValues: Partial<Values> = {
    caseType: initialType,
    priority: defaultPriorityOf(initialType ? byKey.get(initialType) : undefined),
    unitId: defaults?.unitId ?? null,
  };

  const required = (field: string, select = false) => ({
    required: true,
    message: t(select ? 'common.requiredSelect' : 'common.required', { field }),
  });
  const grid = { display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 } as const;

  return (
    <FormDrawer<Values>
      open={requested !== null}
      onClose={onClose}
      title={t('cases.form.title')}
      size={640}
      form={form}
      mutation={mutation}
      submitTestId="case-form-submit"
      initialValues={initialValues}
    >
      {!typesPending && activeTypes.length === 0 && (
        <Alert type="warning" showIcon title={t('cases.form.noTypes')} style={{ marginBottom: 16 }} />
      )}
      <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
        {t('cases.form.basics')}
      </Divider>
      <div style={grid}>
        <Form.Item
          name="caseType"
          label={t('cases.field.type')}
          rules={[required(t('cases.field.type'), true)]}
        >
          <Select
            placeholder={t('cases.form.typePlaceholder')}
            loading={typesPending}
            options={activeTypes.map((ct) => ({ value: ct.key, label: localName(ct, i18n.language) }))}
            onChange={(key: string) => {
              // A new type has other categories, priorities and fields.
              form.setFieldsValue({
                category: undefined,
                priority: defaultPriorityOf(byKey.get(key)),
                fields: {},
              });
            }}
            data-testid="case-form-type"
          />
        </Form.Item>
        <Form.Item
          name="unitId"
          label={t('cases.field.unit')}
          rules={[required(t('cases.field.unit'), true)]}
        >
          <UnitTreeSelect allowClear={false} data-testid="case-form-unit" />
        </Form.Item>
        <Form.Item
          name="category"
          label={t('cases.field.category')}
          rules={[required(t('cases.field.category'), true)]}
        >
          <CaseTreeSelect
            nodes={def?.categories}
            disabled={!def}
            placeholder={def ? undefined : t('cases.filter.categoryNeedsType')}
            data-testid="case-form-category"
          />
        </Form.Item>
        <Form.Item
          name="priority"
          label={t('cases.field.priority')}
          rules={[required(t('cases.field.priority'), true)]}
        >
          <Select
            disabled={!def}
            options={(def?.priorities ?? []).map((p) => ({
              value: p.key,
              label: localName(p, i18n.language),
            }))}
            data-testid="case-form-priority"
          />
        </Form.Item>
      </div>

      <Divider titlePlacement="start" plain>
        {t('cases.form.details')}
      </Divider>
      <Form.Item
        name="title"
        label={t('cases.field.title')}
        rules={[
          { ...required(t('cases.field.title')), whitespace: true },
          { max: 200, message: t('common.maxLength', { field: t('cases.field.title'), max: 200 }) },
        ]}
      >
        <Input
          autoComplete="off"
          placeholder={t('cases.form.titlePlaceholder')}
          data-testid="case-form-title"
        />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('cases.field.description')}
        rules={[
          { max: 5000, message: t('common.maxLength', { field: t('cases.field.description'), max: 5000 }) },
        ]}
      >
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 8 }}
          placeholder={t('cases.form.descriptionPlaceholder')}
          data-testid="case-form-description"
        />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t('cases.form.people')}
      </Divider>
      <div style={grid}>
        <Form.Item name="customerId" label={t('cases.field.customer')}>
          <CaseCustomerSelect
            placeholder={t('cases.form.customerPlaceholder')}
            onPick={(customer) => {
              // The customer's unit is where the case belongs, unless one was chosen already.
              if (customer && form.getFieldValue('unitId') == null)
                form.setFieldsValue({ unitId: customer.unitId });
            }}
            data-testid="case-form-customer"
          />
        </Form.Item>
        {canDispatch && (
          <Form.Item
            name="assigneeUserId"
            label={t('cases.field.assignee')}
            extra={t('cases.form.assigneeHint')}
          >
            <CaseUserSelect data-testid="case-form-assignee" />
          </Form.Item>
        )}
      </div>

      {def && def.fields.length > 0 && (
        <>
          <Divider titlePlacement="start" plain>
            {t('cases.form.extra')}
          </Divider>
          <div style={grid}>
            {def.fields.map((field) => (
              <div key={field.key} style={field.type === 'textarea' ? { gridColumn: '1 / -1' } : undefined}>
                <CustomField field={field} prefix="fields" />
              </div>
            ))}
          </div>
        </>
      )}
      <Form.Item
        name="externalKey"
        label={t('cases.field.externalKey')}
        extra={t('cases.form.externalKeyHint')}
        rules={[
          { max: 100, message: t('common.maxLength', { field: t('cases.field.externalKey'), max: 100 }) },
        ]}
      >
        <Input autoComplete="off" style={{ maxWidth: 300 }} data-testid="case-form-external-key" />
      </Form.Item>
    </FormDrawer>
  );
};
