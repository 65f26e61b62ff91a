import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('src/core stays pure TypeScript on tfjs', () => {
  const files = sourceFiles(CORE);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(CORE, f), f]))('%s imports no React, zustand, DOM or app code', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const source of imports) {
      expect(source).not.toMatch(/^(react|react-dom|zustand|recharts)(\/|$)/);
      expect(source).not.toMatch(/\.\.\/\.\.\/(app|features|components|stores|bridge|workers)\//);
    }
    expect(text).not.toMatch(/\b(document|window|localStorage)\.\w/);
  });
});
