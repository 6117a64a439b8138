import { Card, Empty } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { deleteUnit, listPersonAudit, listUnitAudit } from '../../api/org';
import { queryKeys } from '../../api/query-keys';
import type { Person, Unit } from '../../api/types';
import { useCan } from '../../auth/session-context';
import { HistoryDrawer } from '../../components/history-drawer';
import type { HistoryTarget } from '../../components/history-drawer';
import { buildUnitTree, unitDisplayName } from '../../lib/unit-tree';
import { useFeedback } from '../../lib/use-feedback';
import { useUnits } from '../../lib/use-units';
import { PeopleTable } from './people-table';
import { PersonFormDrawer } from './person-form-drawer';
import type { PersonFormMode } from './person-form-drawer';
import { UnitDetails } from './unit-details';
import { UnitFormModal } from './unit-form-modal';
import type { UnitFormMode } from './unit-form-modal';
import { UnitTree } from './unit-tree';

const parseUnitId = (value: string | null): number | null => {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : null;
};

export const OrgPage = () => {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('org.write');
  const queryClient = useQueryClient();
  const { message, modal, showError } = useFeedback();
  const [params, setParams] = useSearchParams();
  const unitsQuery = useUnits();
  const units = unitsQuery.data;

  const [unitForm, setUnitForm] = useState<UnitFormMode | null>(null);
  const [personForm, setPersonForm] = useState<PersonFormMode | null>(null);
  const [history, setHistory] = useState<HistoryTarget | null>(null);

  // The selection lives in state (updated synchronously on click) and is mirrored to `?unit=` so a
  // link or a reload shows the same unit. Router navigations run as transitions and may lag a click.
  const unitParam = params.get('unit');
  const [selectedId, setSelectedId] = useState<number | null>(() => parseUnitId(unitParam));
  const pendingWrites = useRef<string[]>([]);
  useEffect(() => {
    const value = unitParam ?? '';
    const at = pendingWrites.current.indexOf(value);
    if (at >= 0) {
      // Our own write arriving late: the state is already ahead of it.
      pendingWrites.current.splice(0, at + 1);
      return;
    }
    // The URL changed from outside (back / forward, a link): follow it.
    const fromUrl = parseUnitId(unitParam);
    if (fromUrl !== null) setSelectedId(fromUrl);
  }, [unitParam]);
  const byId = useMemo(() => new Map((units ?? []).map((u) => [u.id, u])), [units]);
  const selected = selectedId !== null ? (byId.get(selectedId) ?? null) : null;

  const select = useCallback(
    (id: number | null, replace = false) => {
      setSelectedId(id);
      pendingWrites.current.push(id === null ? '' : String(id));
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (id === null) next.delete('unit');
          else next.set('unit', String(id));
          return next;
        },
        { replace },
      );
    },
    [setParams],
  );

  // Nothing (or a unit that no longer exists) selected: start at the first root.
  useEffect(() => {
    if (!units || (selectedId !== null && byId.has(selectedId))) return;
    const first = buildUnitTree(units)[0];
    if (first) select(first.unit.id, true);
    else if (selectedId !== null) select(null, true);
  }, [units, selectedId, byId, select]);

  const removeUnit = useMutation({
    mutationFn: (unit: Unit) => deleteUnit(unit.id),
    onSuccess: async (_v, unit) => {
      void message.success(t('common.deleted'));
      select(unit.parentId !== null && byId.has(unit.parentId) ? unit.parentId : null, true);
      await queryClient.invalidateQueries({ queryKey: queryKeys.units });
    },
    // 409 org.unit_not_empty and friends: the API says why, in the user's language.
    onError: (error) => showError(error, t('org.deleteFailed')),
  });

  const confirmDelete = () => {
    if (!selected) return;
    modal.confirm({
      title: t('org.deleteTitle', { name: unitDisplayName(selected, i18n.language) }),
      content: t('org.deleteText'),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => removeUnit.mutateAsync(selected).catch(() => undefined),
    });
  };

  const unitHistory = (unit: Unit): HistoryTarget => ({
    title: unitDisplayName(unit, i18n.language),
    queryKey: queryKeys.unitAudit(unit.id),
    load: () => listUnitAudit(unit.id),
  });
  const personHistory = (person: Person): HistoryTarget => ({
    title: person.name,
    queryKey: queryKeys.personAudit(person.id),
    load: () => listPersonAudit(person.id),
  });

  return (
    <div className="gk-org">
      <UnitTree
        units={units}
        isPending={unitsQuery.isPending}
        error={unitsQuery.error}
        onRetry={() => void unitsQuery.refetch()}
        selectedId={selected?.id ?? null}
        onSelect={(id) => select(id)}
        canWrite={canWrite}
        onAdd={() => setUnitForm({ type: 'create', parent: selected })}
        onEdit={() => selected && setUnitForm({ type: 'edit', unit: selected })}
        onDelete={confirmDelete}
      />
      <div className="gk-org-main">
        {selected ? (
          <>
            <UnitDetails
              unit={selected}
              parent={selected.parentId !== null ? (byId.get(selected.parentId) ?? null) : null}
              onHistory={() => setHistory(unitHistory(selected))}
            />
            <PeopleTable
              unit={selected}
              canWrite={canWrite}
              onAdd={() => setPersonForm({ type: 'create', unitId: selected.id })}
              onEdit={(person) => setPersonForm({ type: 'edit', person })}
              onHistory={(person) => setHistory(personHistory(person))}
            />
          </>
        ) : (
          <Card>
            <Empty
              style={{ padding: '48px 0' }}
              description={
                unitsQuery.isPending
                  ? t('common.loading')
                  : units?.length
                    ? t('org.selectUnit')
                    : t('org.emptyTree')
              }
            />
          </Card>
        )}
      </div>

      <UnitFormModal
        mode={unitForm}
        onClose={() => setUnitForm(null)}
        onSaved={(unit) => {
          setUnitForm(null);
          select(unit.id);
        }}
      />
      <PersonFormDrawer mode={personForm} onClose={() => setPersonForm(null)} />
      <HistoryDrawer target={history} onClose={() => setHistory(null)} />
    </div>
  );
};
