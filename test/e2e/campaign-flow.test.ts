import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/access.js';
import type { Clock } from '../../src/platform/clock.js';
import { getUnitByCode } from '../../src/modules/org/units.service.js';
import { getUserByUsername, updateUser } from '../../src/modules/org/users.service.js';
import { loadPack } from '../../src/modules/packs/packs.service.js';
import type { RunningServer } from '../../src/server.js';
import { caseAction, describeInBrowser, e2eAdminPassword, retryUntil } from './browser.js';

// The server's time runs from a Monday morning of November 2026, whatever the date of the
// machine: the campaign is created in 2026-11, the month the report is asked for.
const startedAt = Date.now();
const mondayMorning = new Date('2026-11-23T09:00:00+08:00').getTime();
const clock: Clock = { now: () => new Date(mondayMorning + (Date.now() - startedAt)) };

const packPassword = 'e2e pack password';
const listKey = 'arrears-2026-11';
const listName = '2026年11月欠费拆机清单';
const campaignName = '11月欠费拆机回访';

/** The monthly export: three subscribers, two in 东湖网格 (G01), one in 中山网格 (G02). */
const dispatchCsv = [
  '用户号码,网格编码,产品类型,用户姓名,联系电话,欠费金额,套餐',
  '13900000001,GK-EAST-G01,宽带,王一,13900000001,128.5,畅享 199',
  '13900000002,GK-EAST-G01,移动,王二,13900000002,56,畅享 99',
  '13900000003,GK-EAST-G02,宽带,王三,13900000003,300,融合 299',
].join('\n');

/** Picks an option of an antd Select or TreeSelect once the dropdown shows it. */
const choose = async (page: Page, testId: string, option: string | RegExp) => {
  await page.getByTestId(testId).click();
  const item = page.locator('.ant-select-dropdown:visible').getByText(option).first();
  await item.waitFor();
  await item.click();
};

/** Leaves the current session and logs in as someone else. */
const logInAs = async (page: Page, server: RunningServer, username: string, password: string) => {
  await page.context().clearCookies();
  await page.goto(server.url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
};

/** On a follow-up case: take it, start it, and resolve it with a reason, feedback and maybe a reactivation. */
const recordOutcome = async (
  page: Page,
  { reason, feedback, reactivatedOn }: { reason: string; feedback: string; reactivatedOn?: string },
) => {
  const status = page.getByTestId('case-status');
  await expect.poll(() => status.getAttribute('data-status')).toBe('assigned');
  await caseAction(page, 'accept', 'accepted');
  await caseAction(page, 'start', 'in_progress');
  await page.getByTestId('case-action-resolve').click();
  // A tree select's option can be clicked while its list still settles and miss; pick until shown.
  const reasonItem = page.locator('.ant-modal .ant-form-item').filter({ hasText: '原因分类' });
  await retryUntil(async () => {
    if (!(await reasonItem.innerText()).includes(reason)) await choose(page, 'case-action-reason', reason);
    // The tree may stay open after the pick; a click on the dialog's title closes it.
    await page.locator('.ant-modal-title').click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached', timeout: 2000 });
    expect(await reasonItem.innerText()).toContain(reason);
  });
  await page.getByTestId('case-action-feedback').fill(feedback);
  if (reactivatedOn) {
    await page.getByTestId('case-outcome-reactivated').click();
    await page.getByTestId('case-outcome-reactivated_on').click();
    await page.getByTestId('case-outcome-reactivated_on').fill(reactivatedOn);
    // Enter would submit the form; a click elsewhere keeps the typed date and closes the picker.
    await page.locator('.ant-modal-title').click();
  }
  await page.getByTestId('case-action-confirm').click();
  await expect.poll(() => status.getAttribute('data-status')).toBe('resolved');
};

const statValue = (page: Page, testId: string) =>
  page.getByTestId(testId).locator('.ant-statistic-content').innerText();

describeInBrowser(
  'campaign flow',
  (app) => {
    let server: RunningServer;
    let page: Page;
    beforeAll(async () => {
      ({ server, page } = app());
      const deps = { db: server.ctx.db, clock, actor: systemActor('e2e') };
      // The telecom branch, its grids and grid managers and the follow-up type, without history.
      await loadPack({ key: 'telecom-arrears', password: packPassword, history: false }, deps);
      // The administrator of the first start administers the unit made then; the pack brings a
      // second top unit, which he is given too.
      const top = await getUnitByCode({ code: 'GK' }, deps);
      const admin = await getUserByUsername({ username: 'admin' }, deps);
      await updateUser(
        {
          userId: admin.id,
          patch: {
            grants: [
              ...admin.grants.map((g) => ({ role: g.role, unitId: g.unitId })),
              { role: 'admin', unitId: top.id },
            ],
          },
        },
        deps,
      );
    });

    it(
      'imports and dispatches a list, a grid manager records outcomes and a visit, the figures and the monthly report show them',
      { timeout: 180_000 },
      async () => {
        await logInAs(page, server, 'admin', e2eAdminPassword);

        // 数据导入: the monthly list into a dispatch list of the branch — dry run, then the import.
        await page.getByTestId('nav-imports').click();
        await page.waitForURL(/\/imports/);
        await choose(page, 'import-target', '派单清单');
        await page.getByTestId('import-option-list').fill(listKey);
        await page.getByTestId('import-option-name').fill(listName);
        await choose(page, 'import-option-caseType', '欠费拆机回访');
        await choose(page, 'import-option-unit', '城东分公司');
        await page.getByTestId('import-target-next').click();
        await page.locator('[data-testid="import-step-file"] input[type="file"]').setInputFiles({
          name: '11月欠费拆机清单.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(dispatchCsv, 'utf8'),
        });
        // The columns are matched by their Chinese headers.
        await page.getByTestId('import-step-mapping').waitFor();
        expect(await page.getByTestId('import-file-name').innerText()).toBe('11月欠费拆机清单.csv');
        const mapping = await page.getByTestId('import-mapping').innerText();
        for (const header of ['用户号码', '网格编码', '产品类型', '欠费金额'])
          expect(mapping).toContain(header);
        await page.getByTestId('import-dry-run').click();
        const dry = page.getByTestId('import-dry-report');
        await expect.poll(() => dry.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
        expect(await dry.getAttribute('data-applied')).toBe('false');
        expect(await statValue(page, 'import-dry-report-rows')).toBe('3');
        expect(await statValue(page, 'import-dry-report-created')).toBe('3');
        expect(await statValue(page, 'import-dry-report-bad')).toBe('0');
        await page.getByTestId('import-apply').click();
        const applied = page.getByTestId('import-apply-report');
        await expect.poll(() => applied.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
        expect(await applied.getAttribute('data-applied')).toBe('true');
        expect(await statValue(page, 'import-apply-report-created')).toBe('3');

        // 创建派单 from the imported list: its type, unit and name follow the list.
        await page.getByTestId('import-create-campaign').click();
        await page.waitForURL(/\/campaigns\?create=/);
        await expect
          .poll(() => page.getByTestId('campaign-form-key').inputValue())
          .toMatch(/^arrears-2026-11-/);
        expect(await page.locator('.ant-drawer').getByText(listName).count()).toBeGreaterThan(0);
        await page.getByTestId('campaign-form-name').fill(campaignName);
        await choose(page, 'campaign-form-visit-type', '欠费拆机上门走访');
        // The list covers November (the server's month, whatever the browser's date); Tab, not Enter,
        // which would submit the form.
        const listMonth = page.getByTestId('campaign-form-period');
        await listMonth.click();
        await listMonth.fill('2026-11');
        await page.keyboard.press('Tab');
        await expect.poll(() => listMonth.inputValue()).toBe('2026-11');
        await page.getByTestId('campaign-form-submit').click();
        const result = page.getByTestId('campaign-result');
        await result.waitFor();
        expect(await result.innerText()).toContain('已派发 3 个目标');
        const perAssignee = await page.getByTestId('campaign-result-assignees').innerText();
        expect(perAssignee).toMatch(/张伟\s+2/);
        expect(perAssignee).toMatch(/陈静\s+1/);

        // The campaign page: three targets, nobody followed up yet.
        await page.getByTestId('campaign-result-open').click();
        await page.waitForURL(/\/campaigns\/arrears-2026-11-/);
        await expect.poll(() => page.getByTestId('campaign-target-count').innerText()).toBe('3');
        await expect.poll(() => statValue(page, 'campaign-kpi-targets')).toBe('3');
        await expect.poll(() => statValue(page, 'campaign-kpi-followed-up')).toBe('0');
        await expect.poll(() => page.getByTestId('campaign-target-case').count()).toBe(3);
        const campaignUrl = page.url();

        // The grid manager of 东湖网格 sees his two targets and records their outcomes on their cases.
        await logInAs(page, server, 'tel.donghu', packPassword);
        await page.goto(campaignUrl);
        await expect.poll(() => page.getByTestId('campaign-target-case').count()).toBe(2);
        // Reached, no need any more, but reactivated after all.
        await page.getByTestId('campaign-target-case').filter({ hasText: '13900000001' }).click();
        await page.waitForURL(/\/cases\/\d+/);
        await recordOutcome(page, {
          reason: '无需求',
          feedback: '用户外出务工一段时间，回来后已缴费恢复宽带',
          reactivatedOn: '2026-11-23',
        });
        // Unreachable (空号): from the case page, the target goes to a door-to-door visit.
        await page.goto(campaignUrl);
        await page.getByTestId('campaign-target-case').filter({ hasText: '13900000002' }).click();
        await page.waitForURL(/\/cases\/\d+/);
        await recordOutcome(page, { reason: '空号', feedback: '连续三天拨打均提示空号，短信无回复' });
        const targetPanel = page.getByTestId('case-campaign-target');
        expect(await targetPanel.innerText()).toContain('13900000002');
        await page.getByTestId('case-campaign-visit').click();
        await page.getByTestId('campaign-visit-note').fill('请上门核实用户是否仍在原址');
        await page.getByTestId('campaign-visit-submit').click();
        await expect.poll(() => targetPanel.innerText()).toMatch(/上门走访\s*#\d+/);

        // Back on the campaign page as the administrator: two followed up, one reached and reactivated.
        await logInAs(page, server, 'admin', e2eAdminPassword);
        await page.goto(campaignUrl);
        await expect.poll(() => statValue(page, 'campaign-kpi-followed-up')).toBe('2');
        await expect.poll(() => statValue(page, 'campaign-kpi-reached-rate')).toBe('50.0%');
        await expect.poll(() => statValue(page, 'campaign-kpi-reactivation-rate')).toBe('33.3%');
        await expect.poll(() => statValue(page, 'campaign-kpi-net')).toBe('2');
        const reasons = await page.getByTestId('campaign-reasons-table').innerText();
        for (const reason of ['无需求', '联系不上', '空号']) expect(reasons).toContain(reason);
        const byAssignee = await page.getByTestId('campaign-by-assignee').innerText();
        expect(byAssignee).toMatch(/张伟\s+2\s+2\s+100\.0%/); // his feedback: both targets
        expect(byAssignee).toMatch(/陈静\s+1\s+0\s+0\.0%/);
        // The visit shows on the targets table, linked to its case.
        await expect.poll(() => page.getByTestId('campaign-target-visit-link').count()).toBe(1);

        // The monthly report of the branch for November shows the campaign's figures.
        await page.getByTestId('nav-reports').click();
        await page.waitForURL(/\/reports/);
        await choose(page, 'report-form-template', '欠费拆机管控分析报告（月报）');
        const period = page.getByTestId('report-form-period');
        await period.click();
        await period.fill('2026-11');
        await page.keyboard.press('Enter');
        await choose(page, 'report-form-unit', '城东分公司');
        await page.getByTestId('report-generate-preview').click();
        const frame = page.frameLocator('[data-testid="report-preview-frame"]');
        await frame.locator('body').waitFor();
        const text = await frame.locator('body').innerText();
        expect(text).toContain('城东分公司2026年11月欠费拆机管控分析报告');
        expect(text).toContain('本月派单 3 户');
        expect(text).toContain('已反馈 2 户');
        expect(text).toContain('激活 1 户');
        expect(text).toContain('净拆机 2 户');
        // The report is stored and listed.
        await page.keyboard.press('Escape');
        await expect
          .poll(() => page.getByTestId('report-row-title').first().innerText())
          .toBe('城东分公司2026年11月欠费拆机管控分析报告');
      },
    );
  },
  { clock },
);
