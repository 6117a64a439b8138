import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-info.js';
import { errorCatalog, messageOf } from './catalog.js';
import { renderErrorsDoc } from './errors-doc.js';

describe('error catalog', () => {
  it('fills placeholders from details in both languages', () => {
    expect(messageOf('org.unit_code_taken', 'zh-CN', { code: 'GK' })).toBe('单元编码 GK 已被使用');
    expect(messageOf('org.unit_code_taken', 'en', { code: 'GK' })).toBe('Unit code GK is already in use');
  });

  it('has a message in both languages for every code, with the same placeholders', () => {
    for (const [code, d] of Object.entries(errorCatalog)) {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(d.zh), code).toEqual(names(d.en));
      expect(d.zh.length * d.en.length, code).toBeGreaterThan(0);
    }
  });

  it('is documented in docs/errors.md exactly as generated', () => {
    const onDisk = readFileSync(path.join(packageRoot, 'docs/errors.md'), 'utf8');
    expect(onDisk).toBe(renderErrorsDoc());
  });
});
