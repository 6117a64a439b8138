import { beforeAll, expect, it } from 'vitest';
import { arrearsFollowUp } from '../../../test/helpers/campaigns.js';
import { buildCase, installRepairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { installCaseType } from './case-types.service.js';
import type { CaseTypeDefinitionInput } from './case-type.schema.js';
import { getCase } from './case-views.service.js';
import type { TransitionInput } from './cases.schema.js';
import { transitionCase } from './cases.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

describeEachDialect('structured case outcomes', (ctx) => {
  const clock = manualClock(local('2026-11-23T09:00'));
  let db: Db;
  let manager: Actor;
  let caseId: number;

  const refusal = async (input: TransitionInput) => {
    try {
      await transitionCase({ caseId, input }, { db, clock, actor: manager });
    } catch (error) {
      if (isAppError(error)) return { code: error.code, ...error.details };
      throw error;
    }
    return null;
  };
  const eventCount = async () => (await db.selectFrom('caseEvents').select('id').execute()).length;

  beforeAll(async () => {
    db = ctx().db;
    const org = await buildOrgTree(db);
    await installRepairType(db, clock); // the standard calendar
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, arrearsFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    manager = (await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock })).actor;
    ({ caseId } = await buildCase(db, clock, manager, {
      caseType: 'telecom.arrears',
      unitId: org.eastGrid1.id,
      category: 'broadband',
      fields: { phone: '13900000001' },
      assigneeUserId: manager.userId!,
    }));
    await transitionCase({ caseId, input: { action: 'accept' } }, { db, clock, actor: manager });
  });

  it('refuses a resolution without the outcome the type asks for, writing nothing', async () => {
    const before = await eventCount();
    const feedback = '用户已搬家，新地址不在本网格';
    expect(await refusal({ action: 'resolve', reasonCode: 'no_need', feedback })).toMatchObject({
      code: 'cases.field_invalid',
      field: 'outcome.reactivated',
      problem: 'required',
    });
    expect(
      await refusal({ action: 'resolve', reasonCode: 'no_need', feedback, outcome: { reactivated: true } }),
    ).toMatchObject({ code: 'cases.field_invalid', field: 'outcome.reactivated_on', problem: 'required' });
    expect(
      await refusal({
        action: 'resolve',
        reasonCode: 'no_need',
        feedback,
        outcome: { reactivated: false, channel: 'phone' },
      }),
    ).toMatchObject({ code: 'cases.field_invalid', field: 'outcome.channel', problem: 'unknown field' });
    expect(
      await refusal({
        action: 'resolve',
        reasonCode: 'no_need',
        feedback: '已处理',
        outcome: { reactivated: false },
      }),
    ).toMatchObject({ code: 'cases.feedback_too_short', field: 'feedback', minLength: 6, length: 3 });
    expect(await eventCount()).toBe(before);
    expect((await getCase({ caseId }, { db, clock, actor: manager })).status).toBe('accepted');
  });

  it('records a complete outcome and shows it on the case', async () => {
    clock.set(local('2026-11-24T10:00'));
    await transitionCase(
      {
        caseId,
        input: {
          action: 'resolve',
          reasonCode: 'unreachable.not_user',
          feedback: '拨打三次，接听人称号码已转给他人使用',
          outcome: { reactivated: true, reactivated_on: '2026-11-24' },
        },
      },
      { db, clock, actor: manager },
    );
    const c = await getCase({ caseId }, { db, clock, actor: manager });
    expect(c.status).toBe('resolved');
    expect(c.reasonName).toBe('号码非本人');
    expect(c.outcome).toEqual({ reactivated: true, reactivated_on: '2026-11-24' });
  });

  it('refuses a type whose conditional field names no field', async () => {
    const broken: CaseTypeDefinitionInput = {
      ...arrearsFollowUp,
      key: 'telecom.broken',
      closing: {
        ...arrearsFollowUp.closing!,
        outcomeFields: [
          {
            key: 'reactivated_on',
            label: '激活日期',
            type: 'date',
            requiredWhen: { field: 'nope', equals: true },
          },
        ],
      },
    };
    const error = await db
      .transaction()
      .execute((tx) => installCaseType(tx, broken, { clock, actor: systemActor('test'), mode: 'create' }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isAppError(error) && JSON.stringify(error.details)).toMatch(
      /closing\.outcomeFields\.0\.requiredWhen\.field/,
    );
  });
});
