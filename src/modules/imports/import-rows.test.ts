import { describe, expect, it } from 'vitest';
import type { ImportField } from './import-rows.js';
import { prepareRows } from './import-rows.js';
import { openTable } from './tabular-reader.js';

const fields: ImportField[] = [
  { key: 'key', labels: ['key'], required: true, cell: { type: 'text' } },
  { key: 'note', labels: ['note'], cell: { type: 'text' } },
  { key: 'amount', labels: ['amount'], cell: { type: 'decimal' } },
  { key: 'paid', labels: ['paid'], cell: { type: 'boolean' } },
];

const prepared = async (csv: string) => {
  const table = await openTable({ source: Buffer.from(csv) });
  const batches = [];
  for await (const batch of prepareRows(table, {
    columns: fields.map((f, i) => [f, i] as const),
    keyField: 'key',
    keyColumn: 0,
    reportedProblems: 1000,
    batchRows: 2,
    document: {
      key: '$data',
      fields: [{ key: 'note' }, { key: 'amount', number: true }, { key: 'paid' }],
    },
  }))
    batches.push(batch);
  return batches;
};

describe('preparing the rows of an import', () => {
  it('writes the JSON of the document fields as JSON.stringify would, whatever the text', async () => {
    const notes = ['已上门', 'say "hi"', 'a\\b', 'tab\there', 'line\u2028sep', 'emoji 😀', 'next\u0085line'];
    const csv = [
      'key,note,amount,paid',
      ...notes.map((n, i) => `${i},"${n.replace(/"/g, '""')}","1,234.50",是`),
    ];
    const cells = (await prepared(csv.join('\n') + '\n3b,,,\n')).flatMap((b) => b.cells);
    const width = 2 + fields.length + 1;
    const documents = [];
    for (let i = 0; i < cells.length; i += width) documents.push(cells[i + width - 1]);
    expect(documents).toEqual([
      ...notes.map((note) => JSON.stringify({ note, amount: 1234.5, paid: true })),
      '{}',
    ]);
  });

  it('numbers the rows, counts their problems and gives no values nor document to a bad row', async () => {
    const batches = await prepared('key,note,amount,paid\n1,a,1,是\n1,b,x,否\n\n2,c,2,maybe\n');
    expect(batches.flatMap((b) => b.cells)).toEqual([
      2,
      0,
      '1',
      'a',
      '1',
      true,
      '{"note":"a","amount":1,"paid":true}',
      3,
      2,
      '1',
      'b',
      null,
      false,
      null,
      5,
      1,
      '2',
      'c',
      '2',
      null,
      null,
    ]);
    expect(batches.flatMap((b) => b.problems).map((p) => [p.row, p.field, p.code])).toEqual([
      [3, 'amount', 'invalid'],
      [3, 'key', 'duplicate_key'],
      [5, 'paid', 'invalid'],
    ]);
  });
});
