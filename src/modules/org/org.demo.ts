import type { Deps } from '../../platform/deps.js';
import type { Role } from '../../platform/access.js';
import type { UnitKind } from './org.schema.js';
import { createPerson } from './people.service.js';
import { createUnit } from './units.service.js';
import { createUser } from './users.service.js';

type DemoUnit = { code: string; name: string; nameEn: string; kind: UnitKind; children?: DemoUnit[] };

/**
 * A demo organisation in the shape the essays describe: a company with a telecom-style
 * branch and its grids, a property-service centre with areas, a finance department and
 * a coal mine with its teams. Later packs hang their data on these units.
 */
const demoTree: DemoUnit = {
  code: 'GK',
  name: '示例集团',
  nameEn: 'Demo Group',
  kind: 'company',
  children: [
    {
      code: 'GK-EAST',
      name: '城东分公司',
      nameEn: 'East Branch',
      kind: 'branch',
      children: [
        { code: 'GK-EAST-G01', name: '东湖网格', nameEn: 'Donghu Grid', kind: 'grid' },
        { code: 'GK-EAST-G02', name: '中山网格', nameEn: 'Zhongshan Grid', kind: 'grid' },
        { code: 'GK-EAST-MKT', name: '市场部', nameEn: 'Marketing', kind: 'department' },
      ],
    },
    {
      code: 'GK-WEST',
      name: '城西分公司',
      nameEn: 'West Branch',
      kind: 'branch',
      children: [
        { code: 'GK-WEST-G01', name: '西湖网格', nameEn: 'Xihu Grid', kind: 'grid' },
        { code: 'GK-WEST-G02', name: '高新网格', nameEn: 'Hi-tech Grid', kind: 'grid' },
      ],
    },
    {
      code: 'GK-PROP',
      name: '物业服务中心',
      nameEn: 'Property Service Centre',
      kind: 'department',
      children: [
        { code: 'GK-PROP-A1', name: '一片区', nameEn: 'Area 1', kind: 'area' },
        { code: 'GK-PROP-A2', name: '二片区', nameEn: 'Area 2', kind: 'area' },
        { code: 'GK-PROP-DESK', name: '客服中心', nameEn: 'Service Desk', kind: 'team' },
      ],
    },
    { code: 'GK-FIN', name: '财务部', nameEn: 'Finance', kind: 'department' },
    {
      code: 'GK-MINE',
      name: '一号煤矿',
      nameEn: 'No. 1 Coal Mine',
      kind: 'site',
      children: [
        { code: 'GK-MINE-SAFE', name: '安全科', nameEn: 'Safety Section', kind: 'department' },
        { code: 'GK-MINE-T1', name: '综采一队', nameEn: 'Longwall Team 1', kind: 'team' },
      ],
    },
  ],
};

type DemoPerson = [
  unit: string,
  name: string,
  employeeNo: string,
  level: string,
  position: string,
  city: string,
  phone: string,
];

const demoPeople: DemoPerson[] = [
  ['GK', '王建国', 'E0001', '总监', '总经理', '武汉', '13800000001'],
  ['GK-EAST', '李明', 'E0101', '经理', '分公司经理', '武汉', '13800000101'],
  ['GK-EAST-G01', '张伟', 'E0111', '主管', '网格经理', '武汉', '13800000111'],
  ['GK-EAST-G01', '刘洋', 'E0112', '专员', '装维人员', '武汉', '13800000112'],
  ['GK-EAST-G02', '陈静', 'E0121', '主管', '网格经理', '武汉', '13800000121'],
  ['GK-EAST-G02', '杨帆', 'E0122', '专员', '客户经理', '武汉', '13800000122'],
  ['GK-EAST-MKT', '赵敏', 'E0131', '主管', '市场主管', '武汉', '13800000131'],
  ['GK-WEST', '黄磊', 'E0201', '经理', '分公司经理', '孝感', '13800000201'],
  ['GK-WEST-G01', '周婷', 'E0211', '主管', '网格经理', '孝感', '13800000211'],
  ['GK-WEST-G02', '吴强', 'E0221', '主管', '网格经理', '孝感', '13800000221'],
  ['GK-PROP', '孙丽', 'E0301', '经理', '物业经理', '武汉', '13800000301'],
  ['GK-PROP-A1', '郑浩', 'E0311', '主管', '片区主管', '武汉', '13800000311'],
  ['GK-PROP-A1', '冯刚', 'E0312', '专员', '维修技工', '武汉', '13800000312'],
  ['GK-PROP-A2', '何芳', 'E0321', '主管', '片区主管', '武汉', '13800000321'],
  ['GK-PROP-DESK', '许娜', 'E0331', '专员', '客服专员', '武汉', '13800000331'],
  ['GK-FIN', '邓超', 'E0401', '经理', '财务经理', '武汉', '13800000401'],
  ['GK-FIN', '谢雨', 'E0402', '专员', '会计', '武汉', '13800000402'],
  ['GK-MINE', '马军', 'E0501', '总监', '矿长', '大同', '13800000501'],
  ['GK-MINE-SAFE', '韩亮', 'E0511', '经理', '安全科长', '大同', '13800000511'],
  ['GK-MINE-T1', '唐勇', 'E0521', '主管', '队长', '大同', '13800000521'],
];

/** Demo logins beside the administrator: [username, display name, person's employee no, role, unit]. */
const demoUsers: Array<[string, string, string, Role, string]> = [
  ['east.manager', '李明', 'E0101', 'manager', 'GK-EAST'],
  ['grid.donghu', '张伟', 'E0111', 'staff', 'GK-EAST-G01'],
  ['auditor', '邓超', 'E0401', 'auditor', 'GK'],
];

/** Loads the demo organisation through the services (so it is audited like any change). */
export const seedDemoOrganisation = async (
  { demoPassword }: { demoPassword: string },
  deps: Deps,
): Promise<{ units: number; people: number; usernames: string[] }> => {
  const unitIds = new Map<string, number>();
  const walk = async (unit: DemoUnit, parentId: number | null, order: number) => {
    const created = await createUnit(
      { parentId, code: unit.code, name: unit.name, nameEn: unit.nameEn, kind: unit.kind, sortOrder: order },
      deps,
    );
    unitIds.set(unit.code, created.id);
    for (const [index, child] of (unit.children ?? []).entries()) await walk(child, created.id, index);
  };
  await walk(demoTree, null, 0);
  const personIds = new Map<string, number>();
  for (const [unit, name, employeeNo, level, position, city, phone] of demoPeople) {
    const person = await createPerson(
      {
        unitId: unitIds.get(unit) as number,
        name,
        employeeNo,
        level,
        position,
        city,
        region: city === '大同' ? '山西' : '湖北',
        phone,
      },
      deps,
    );
    personIds.set(employeeNo, person.id);
  }
  for (const [username, displayName, employeeNo, role, unit] of demoUsers) {
    await createUser(
      {
        username,
        displayName,
        password: demoPassword,
        personId: personIds.get(employeeNo) ?? null,
        grants: [{ role, unitId: unitIds.get(unit) as number }],
      },
      deps,
    );
  }
  return { units: unitIds.size, people: demoPeople.length, usernames: demoUsers.map(([u]) => u) };
};
