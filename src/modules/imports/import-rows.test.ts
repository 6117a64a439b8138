import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImportField } from './import-rows.js';
import { jsonOfDecimal, prepareRows } from './import-rows.js';
import { openTable } from './tabular-reader.js';

const fields: ImportField[] = [
  { key: 'key', labels: ['key'], required: true, cell: { type: 'text' } },
  { key: 'note', labels: ['note'], cell: { type: 'text' } },
  { key: 'amount', labels: ['amount'], cell: { type: 'decimal' } },
  { key: 'paid', labels: ['paid'], cell: { type: 'boolean' } },
];

const prepared = async (csv: string, only?: boolean) => {
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
      ...(only ? { only } : {}),
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

  it('posts only the fields outside an `only` document, the document holding the others', async () => {
    const batches = await prepared('key,note,amount,paid\n1,a,"1,000.10",是\n1,b,x,否\n', true);
    expect(batches.flatMap((b) => b.cells)).toEqual([
      2,
      0,
      '1',
      '{"note":"a","amount":1000.1,"paid":true}',
      3,
      2,
      '1',
      null,
    ]);
  });

  it('writes a decimal into the JSON as JSON.stringify(Number(…)) would', () => {
    const texts = [
      '0',
      '-1',
      '1234.5',
      '0.00001',
      '0.000001',
      '-0.0000001',
      '123456789012345',
      '1234567890123456',
    ];
    const more = [
      '0.1000000000000000055511151231257827',
      '12345678901234567890.5',
      '99999999999999.9',
      '-0.1',
    ];
    for (const text of [...texts, ...more])
      expect(jsonOfDecimal(text), text).toBe(JSON.stringify(Number(text)));
    fc.assert(
      // Canonical texts, as convertDecimal gives them: no -0.
      fc.property(
        fc.stringMatching(/^-?(0|[1-9][0-9]{0,15})(\.[0-9]{0,9}[1-9])?$/).filter((t) => t !== '-0'),
        (text) => {
          expect(jsonOfDecimal(text)).toBe(JSON.stringify(Number(text)));
        },
      ),
    );
  });
});
