import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';

/*
 * A generated list of telecom arrears targets (欠费拆机清单) as Chinese systems export it: GBK or
 * UTF-8 with a BOM, amounts with thousands separators, dates in three formats, quoted notes.
 * Deterministic, written once per size and encoding into the temp folder, shared by the import
 * benchmarks.
 */

export const arrearsHeader =
  '用户号码,账户编码,网格编码,网格经理,产品类型,欠费金额(元),欠费月数,拆机日期,是否停机,备注\r\n';
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const givenNames = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明'];
const products = ['宽带', '移动', '固话', 'IPTV'];

/** Row `i` of the file: deterministic, so every run reads the same bytes. */
const line = (i: number): string => {
  const seed = Math.imul(i + 1, 2_654_435_761) >>> 0;
  const phone = `1${3 + (seed % 7)}${String(seed % 1_000_000_000).padStart(9, '0')}`;
  const grid = `WG-3301${String(seed % 17).padStart(2, '0')}-${String(seed % 211).padStart(3, '0')}`;
  const manager = `${surnames[seed % surnames.length]}${givenNames[(seed >>> 5) % givenNames.length]}`;
  const cents = seed % 1_000_000;
  const yuan = Math.floor(cents / 100).toLocaleString('en-US');
  const amount = `${yuan}.${String(cents % 100).padStart(2, '0')}`;
  const month = 1 + (seed % 12);
  const day = 1 + (seed % 28);
  // Dates as different systems write them.
  const date =
    seed % 3 === 0
      ? `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
      : seed % 3 === 1
        ? `2026/${month}/${day}`
        : `2026年${month}月${day}日`;
  const note = seed % 5 === 0 ? `"多次催缴, 用户称""下月缴清"""` : seed % 5 === 1 ? '' : '已上门';
  const quotedAmount = amount.includes(',') ? `"${amount}"` : amount;
  return `${phone},${String(seed % 100_000_000).padStart(8, '0')},${grid},${manager},${products[seed % 4]},${quotedAmount},${seed % 25},${date},${seed % 2 ? '是' : '否'},${note}\r\n`;
};

/** Writes the file once (a version in its name), in chunks, as the reader will read it. */
export const ensureArrearsFile = async ({
  rows,
  encoding,
}: {
  rows: number;
  encoding: 'utf-8' | 'gbk';
}): Promise<string> => {
  const dir = path.join(os.tmpdir(), 'guankong-imports-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `arrears-v1-${rows}.${encoding}.csv`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const encode = (text: string) =>
    encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
  // Excel's "CSV UTF-8" starts with a byte-order mark; its GBK "CSV" has none.
  let chunk = encoding === 'utf-8' ? `\uFEFF${arrearsHeader}` : arrearsHeader;
  for (let i = 0; i < rows; i++) {
    chunk += line(i);
    if (chunk.length > 60_000) {
      if (!out.write(encode(chunk))) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(encode(chunk));
  await once(out, 'finish');
  renameSync(partial, file);
  return file;
};
