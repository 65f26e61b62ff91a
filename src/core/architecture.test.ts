import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** Runtime imports of a core file that land in core (type-only imports are erased, so they make no cycle). */
function coreImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?'(\.[^']+)'/gm)) {
    const names = /\{([^}]*)\}/.exec(m[3] ?? '')?.[1];
    const allTypes = !!names && !/^\s*\w/.test(m[3]) && names.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()));
    if (m[2] || allTypes) continue;
    const base = resolve(dirname(file), m[4]);
    const target = [`${base}.ts`, `${base}.tsx`, base].find((c) => /\.tsx?$/.test(c) && existsSync(c));
    if (target && !relative(CORE, target).startsWith('..')) out.push(target);
  }
  return out;
}

/** The folder of core a file is in ('.' for core's own files): attacks, metrics, audit, ... */
const folderOf = (file: string) => (relative(CORE, file).includes('/') ? relative(CORE, file).split('/')[0] : '.');

describe('core has no import cycle', () => {
  // Test support (testHelpers.ts, testing/ folders: tiny models, contract suites, fixtures) is left out: it is never
  // part of the app's module graph, and a contract suite may well use another folder's helpers.
  const files = sourceFiles(CORE).filter((file) => !/(^|\/)testing\/|testHelpers\.ts$/.test(relative(CORE, file)));

  it('between its folders: if attacks imports metrics, metrics imports nothing that imports attacks', () => {
    const edges = new Map<string, Map<string, string>>();
    for (const file of files) {
      for (const target of coreImportsOf(file)) {
        const [from, to] = [folderOf(file), folderOf(target)];
        if (from === to) continue;
        if (!edges.has(from)) edges.set(from, new Map());
        edges.get(from)!.set(to, `${relative(CORE, file)} -> ${relative(CORE, target)}`);
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (folder: string, path: string[]) => {
      if (state.get(folder) === 'done') return;
      if (state.get(folder) === 'visiting') {
        const loop = [...path.slice(path.indexOf(folder)), folder];
        cycles.push(
          loop
            .slice(1)
            .map((to, i) => edges.get(loop[i])!.get(to))
            .join(', '),
        );
        return;
      }
      state.set(folder, 'visiting');
      for (const to of edges.get(folder)?.keys() ?? []) visit(to, [...path, folder]);
      state.set(folder, 'done');
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(edges.get('metrics')?.has('attacks')).toBe(true);
    expect(cycles).toEqual([]);
  });
});
