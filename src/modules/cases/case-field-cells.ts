import type { FieldDefinition } from './case-type.schema.js';
import type { CellType } from '../imports/cell-convert.js';
import type { ImportField } from '../imports/import-runner.js';

/** How a cell of a file is read into a case-type field (a case's fields, a list's data, an outcome). */
export const cellTypeOf = (f: FieldDefinition): CellType => {
  switch (f.type) {
    case 'number':
      return { type: 'decimal' };
    case 'date':
      return { type: 'date' };
    case 'boolean':
      return { type: 'boolean' };
    case 'select':
      return {
        type: 'enum',
        choices: (f.options ?? []).map((o) => ({
          key: o.value,
          labels: [o.label, ...(o.labelEn ? [o.labelEn] : [])],
        })),
      };
    default:
      return { type: 'text', maxLength: f.type === 'text' ? 200 : 5000 };
  }
};

/**
 * A case-type field as an import field: its headers are its labels and its key. `required` makes
 * an empty cell a row problem where the field is required (a case's own fields, not a list's data).
 */
export const importFieldOf = (f: FieldDefinition, { required = false } = {}): ImportField => ({
  key: f.key,
  labels: [f.label, ...(f.labelEn ? [f.labelEn] : []), f.key],
  ...(required && f.required !== undefined ? { required: f.required } : {}),
  cell: cellTypeOf(f),
});
