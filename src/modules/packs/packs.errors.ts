import { defineErrors } from '../../platform/errors/define-errors.js';

export const packsErrors = defineErrors({
  /** No pack file with this key in the packs folder; `available` lists the keys there are. */
  'packs.unknown': {
    kind: 'invalid',
    zh: '未知的示例包：{key}（可用：{available}）',
    en: 'Unknown pack: {key} (available: {available})',
  },
  /** The pack file is not valid JSON or does not match the pack schema; `issues` name the JSON paths. */
  'packs.invalid': {
    kind: 'invalid',
    zh: '示例包 {source} 无效：{problem}',
    en: 'Invalid pack {source}: {problem}',
  },
  /** A unit the pack hangs its units on is missing from the database. */
  'packs.unit_missing': { kind: 'invalid', zh: '缺少上级单元 {unit}', en: 'Missing parent unit {unit}' },
});
