import { DatePicker, Form, Input, InputNumber, Select, Switch } from 'antd';
import type { FormRule } from 'antd';
import dayjs, { isDayjs } from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { localName } from '../../api/cases';
import type { FieldDefinition } from '../../api/cases';

/*
 * A field a case type defines — on registration (`fields`) or in the outcome of a resolution
 * (`outcome`) — rendered by its type, with the server's rules (required, required when another
 * field has a value).
 */

/** A field's value as the API takes it: dates as `YYYY-MM-DD`, blanks left out. */
export const fieldValue = (field: FieldDefinition, value: unknown): unknown => {
  if (value === undefined || value === null) return undefined;
  if (field.type === 'date') return isDayjs(value) ? (value as Dayjs).format('YYYY-MM-DD') : undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return value;
};

/** The values of some fields as the API takes them, blanks left out. */
export const fieldValues = (
  fields: readonly FieldDefinition[],
  values: Record<string, unknown> | undefined,
) => {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = fieldValue(field, values?.[field.key]);
    if (value !== undefined) out[field.key] = value;
  }
  return out;
};

/** Stored values as the form holds them (dates as dayjs). */
export const formValues = (fields: readonly FieldDefinition[], values: Record<string, unknown> | null) =>
  Object.fromEntries(
    fields.map((f) => {
      const value = values?.[f.key];
      return [f.key, f.type === 'date' && typeof value === 'string' ? dayjs(value) : value];
    }),
  );

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

export const CustomField = ({ field, prefix }: { field: FieldDefinition; prefix: 'fields' | 'outcome' }) => {
  const { t, i18n } = useTranslation();
  const label = localName({ name: field.label, nameEn: field.labelEn }, i18n.language);
  const message = t(
    field.type === 'select' || field.type === 'date' ? 'common.requiredSelect' : 'common.required',
    { field: label },
  );
  const when = field.requiredWhen;
  const rules: FormRule[] =
    field.type === 'boolean'
      ? []
      : field.required
        ? [{ required: true, message }]
        : when
          ? [
              ({ getFieldValue }) => ({
                validator: (_rule, value: unknown) =>
                  getFieldValue([prefix, when.field]) === when.equals && isBlank(value)
                    ? Promise.reject(new Error(message))
                    : Promise.resolve(),
              }),
            ]
          : [];
  const name = [prefix, field.key];
  const dependencies = when ? [[prefix, when.field]] : undefined;
  const testId = `case-${prefix === 'fields' ? 'field' : 'outcome'}-${field.key}`;
  const item = { name, label, rules, dependencies };
  switch (field.type) {
    case 'textarea':
      return (
        <Form.Item {...item} rules={[...rules, { max: 5000 }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid={testId} />
        </Form.Item>
      );
    case 'number':
      return (
        <Form.Item {...item}>
          <InputNumber style={{ width: '100%' }} data-testid={testId} />
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item {...item}>
          <DatePicker style={{ width: '100%' }} data-testid={testId} />
        </Form.Item>
      );
    case 'select':
      return (
        <Form.Item {...item}>
          <Select
            allowClear
            options={(field.options ?? []).map((o) => ({
              value: o.value,
              label: localName({ name: o.label, nameEn: o.labelEn }, i18n.language),
            }))}
            data-testid={testId}
          />
        </Form.Item>
      );
    case 'boolean':
      return (
        <Form.Item {...item} valuePropName="checked" initialValue={false}>
          <Switch data-testid={testId} />
        </Form.Item>
      );
    default:
      return (
        <Form.Item {...item} rules={[...rules, { max: 500 }]}>
          <Input autoComplete="off" data-testid={testId} />
        </Form.Item>
      );
  }
};
