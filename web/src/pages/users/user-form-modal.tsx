import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import type { GrantInput, Role, UpdateUserInput, User } from '../../api/types';
import { ROLES } from '../../api/types';
import { createUser, updateUser } from '../../api/users';
import { FormModal } from '../../components/form-modal';
import { NewPasswordItem } from '../../components/password-fields';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { useFormSave } from '../../lib/use-form-save';
import { useSticky } from '../../lib/use-sticky';
import { PersonSelect } from './person-select';

export type UserFormMode = { type: 'create' } | { type: 'edit'; user: User };

type GrantValue = { role?: Role; unitId?: number | null };
type Values = {
  username: string;
  displayName: string;
  password?: string;
  personId?: number | null;
  grants?: GrantValue[];
};

const initialValuesFor = (mode: UserFormMode | null): Partial<Values> => {
  if (mode?.type !== 'edit') return { grants: [{ role: 'staff', unitId: null }] };
  const u = mode.user;
  return {
    username: u.username,
    displayName: u.displayName,
    personId: u.personId,
    grants: u.grants.map((g) => ({ role: g.role, unitId: g.unitId })),
  };
};

const toGrants = (values: GrantValue[] | undefined): GrantInput[] =>
  (values ?? []).flatMap((g) =>
    g.role && typeof g.unitId === 'number' ? [{ role: g.role, unitId: g.unitId }] : [],
  );

const sameGrants = (a: GrantInput[], b: GrantInput[]): boolean => {
  const key = (g: GrantInput) => `${g.role}@${g.unitId}`;
  return JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
};

export const UserFormModal = ({
  mode: requested,
  onClose,
}: {
  mode: UserFormMode | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const mode = useSticky(requested);
  const editing = mode?.type === 'edit' ? mode.user : null;

  const { form, mutation } = useFormSave({
    save: async (v: Values): Promise<User> => {
      const grants = toGrants(v.grants);
      if (!editing) {
        return createUser({
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          password: v.password ?? '',
          personId: v.personId ?? null,
          grants,
        });
      }
      const patch: UpdateUserInput = {};
      if (v.displayName.trim() !== editing.displayName) patch.displayName = v.displayName.trim();
      if ((v.personId ?? null) !== editing.personId) patch.personId = v.personId ?? null;
      if (!sameGrants(grants, editing.grants)) patch.grants = grants;
      if (Object.keys(patch).length === 0) return editing;
      return updateUser(editing.id, patch);
    },
    creating: !editing,
    invalidateKey: queryKeys.users,
    onDone: onClose,
  });

  const required = (field: string) => ({
    required: true,
    whitespace: true,
    message: t('common.required', { field }),
  });

  return (
    <FormModal
      open={requested !== null}
      title={editing ? t('users.editTitle') : t('users.createTitle')}
      width={640}
      onClose={onClose}
      form={form}
      mutation={mutation}
      submitTestId="user-form-submit"
      initialValues={initialValuesFor(mode)}
      style={{ marginTop: 12 }}
    >
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 16 }}>
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[
            required(t('users.username')),
            { max: 64, message: t('common.maxLength', { field: t('users.username'), max: 64 }) },
          ]}
        >
          <Input autoComplete="off" disabled={!!editing} />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[
            required(t('users.displayName')),
            { max: 100, message: t('common.maxLength', { field: t('users.displayName'), max: 100 }) },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
      </div>
      {!editing && (
        <NewPasswordItem
          name="password"
          label={t('users.initialPassword')}
          extra={t('users.initialPasswordHint')}
        />
      )}
      <Form.Item name="personId" label={t('users.person')}>
        <PersonSelect placeholder={t('users.personPlaceholder')} />
      </Form.Item>

      <Form.Item
        label={t('users.grants')}
        tooltip={t('users.grantHint')}
        required={false}
        style={{ marginBottom: 0 }}
      >
        <Form.List
          name="grants"
          rules={[
            {
              validator: async (_rule, grants: GrantValue[] | undefined) => {
                const keys = toGrants(grants).map((g) => `${g.role}@${g.unitId}`);
                if (new Set(keys).size !== keys.length) throw new Error(t('users.duplicateGrant'));
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((field) => (
                <Flex key={field.key} gap={8} align="flex-start">
                  <Form.Item
                    name={[field.name, 'role']}
                    rules={[
                      {
                        required: true,
                        message: t('common.requiredSelect', { field: t('users.grantRole') }),
                      },
                    ]}
                    style={{ width: 170, marginBottom: 12 }}
                  >
                    <Select
                      aria-label={t('users.grantRole')}
                      placeholder={t('users.grantRole')}
                      options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'unitId']}
                    rules={[
                      {
                        required: true,
                        message: t('common.requiredSelect', { field: t('users.grantUnit') }),
                      },
                    ]}
                    style={{ flex: 1, marginBottom: 12, minWidth: 0 }}
                  >
                    <UnitTreeSelect aria-label={t('users.grantUnit')} placeholder={t('users.grantUnit')} />
                  </Form.Item>
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label={t('common.delete')}
                  />
                </Flex>
              ))}
              <Button
                type="dashed"
                block
                icon={<PlusOutlined />}
                onClick={() => add({ role: 'staff', unitId: null })}
                data-testid="grant-add"
              >
                {t('users.addGrant')}
              </Button>
              <Form.ErrorList errors={errors} />
              {fields.length === 0 && (
                <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
                  {t('users.noGrants')}
                </Typography.Text>
              )}
            </>
          )}
        </Form.List>
      </Form.Item>
    </FormModal>
  );
};
