import { describe, expect, it } from 'vitest';
import { reportAtLimits } from '../src/core/audit/reportAtLimits';
import { buildValidators, OUTPUTS, readGenerated, SCHEMAS } from './build-validators';

describe('the validators compiled ahead of time', () => {
  const fresh = buildValidators();

  it.each(OUTPUTS.map((output) => [output.js, output]))('%s is up to date with its schemas (else run npm run build:validators)', (path, output) => {
    const onDisk = readGenerated(output.js);
    const built = buildValidators(output.schemas);
    expect(onDisk.js === built.js && onDisk.dts === built.dts, `${path} differs from its schemas: run npm run build:validators`).toBe(true);
  });

  it('export one validator per named schema, and compile nothing at run time', () => {
    for (const { name } of SCHEMAS) {
      expect(fresh.js).toMatch(new RegExp(`^export const ${name} = `, 'm'));
      expect(fresh.dts).toContain(`export declare const ${name}: CompiledValidator;`);
    }
    expect(fresh.js).not.toMatch(/\brequire\(|\bimport\b|new Function|\beval\(/);
  });

  it('compile a list of schemas, each with its own export', async () => {
    const { js } = buildValidators([
      { name: 'validateReportJson', schema: SCHEMAS[0].schema },
      { name: 'validateSmall', schema: { type: 'object', properties: { n: { type: 'string', maxLength: 3 } }, required: ['n'], additionalProperties: false } },
    ]);
    const module = (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as Record<
      string,
      ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] }
    >;
    expect(module.validateReportJson(reportAtLimits())).toBe(true);
    expect(module.validateSmall({ n: 'abc' })).toBe(true);
    // maxLength counts characters (code points), with ajv's helper inlined into the module.
    expect(module.validateSmall({ n: '😀😀😀' })).toBe(true);
    expect(module.validateSmall({ n: 'abcd' })).toBe(false);
    expect(module.validateSmall.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(['/n must NOT have more than 3 characters']);
  });
});
