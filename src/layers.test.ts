/**
 * The layer table of ../shared/ARCHITECTURE.md, enforced: app -> features -> {components, stores, bridge} -> workers
 * -> core -> tfjs. Every import of every source file is checked against the table, the main thread is checked to
 * load no TensorFlow.js (directly or through core), and core is checked to have no import cycle.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

type Layer = 'app' | 'features' | 'components' | 'stores' | 'bridge' | 'workers' | 'core' | 'bench' | 'main' | 'rpc';

/**
 * rpc/ is the project's RPC (typed calls, progress, cooperative cancel, crash recovery): a leaf both sides use, the
 * page's bridges and the attacker worker, which calls the oracle worker through a port.
 */
function layerOf(file: string): Layer {
  const path = relative(SRC, file);
  const [top] = path.split('/');
  if (top === 'main.tsx') return 'main';
  return top as Layer;
}

/** What each layer may import at run time (type-only imports may also reach the workers' message types). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  main: ['app', 'stores', 'bridge'],
  app: ['app', 'features', 'components', 'stores', 'bridge', 'core'],
  features: ['features', 'components', 'stores', 'bridge', 'core'],
  components: ['components', 'core'],
  stores: ['stores', 'core'],
  bridge: ['bridge', 'stores', 'core', 'rpc'],
  workers: ['workers', 'core', 'rpc'],
  rpc: ['rpc', 'core'],
  core: ['core'],
  bench: ['bench', 'core', 'workers', 'bridge', 'rpc'],
};
/** Layers whose type-only imports may name the workers' protocols (message and result types). */
const TYPES_FROM_WORKERS: readonly Layer[] = ['features', 'stores', 'bridge', 'app', 'components', 'main'];

interface Import {
  source: string;
  typeOnly: boolean;
  dynamic: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?'([^']+)'/gm)) {
    // `import { type A, type B } from` is type-only too: erased at build time.
    const names = /\{([^}]*)\}/.exec(m[3] ?? '')?.[1];
    const allTypes = !!names && !/^\s*\w/.test(m[3]) && names.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()));
    out.push({ source: m[4], typeOnly: !!m[2] || allTypes, dynamic: false });
  }
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ source: m[1], typeOnly: false, dynamic: true });
  // new Worker(new URL('../workers/x.worker.ts', import.meta.url)): the bridge starts workers, it does not import them.
  return out;
}

function resolveLocal(from: string, source: string): string | undefined {
  if (!source.startsWith('.')) return undefined;
  const base = resolve(dirname(from), source);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate !== base) return candidate;
  }
  if (existsSync(`${base.replace(/\.js$/, '')}.js`)) return `${base.replace(/\.js$/, '')}.js`;
  return existsSync(base) ? base : undefined;
}

const files = sourceFiles(SRC);

describe('the layer table', () => {
  it('has files in every layer', () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of ['app', 'features', 'components', 'stores', 'bridge', 'workers', 'rpc', 'core'] as const) expect(layers).toContain(layer);
  });

  it('every import follows the table', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const imp of importsOf(file)) {
        const target = resolveLocal(file, imp.source);
        if (!target) continue;
        const to = layerOf(target);
        if (ALLOWED[from].includes(to)) continue;
        if (imp.typeOnly && (to === 'workers' || to === 'rpc') && TYPES_FROM_WORKERS.includes(from)) continue;
        wrong.push(`${relative(SRC, file)} (${from}) imports ${relative(SRC, target)} (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('features never import another feature (lab)', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === 'features')) {
      const lab = relative(SRC, file).split('/')[1];
      for (const imp of importsOf(file)) {
        const target = resolveLocal(file, imp.source);
        if (target && layerOf(target) === 'features' && relative(SRC, target).split('/')[1] !== lab)
          wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the main thread loads no TensorFlow.js, directly or through core (static imports)', () => {
    const mainThread = files.filter((f) => ['main', 'app', 'features', 'components', 'stores', 'bridge'].includes(layerOf(f)));
    const tfjsFree = new Map<string, string | null>();
    // The chain of static runtime imports from a file to tfjs, or null when there is none.
    const pathToTfjs = (file: string, seen: Set<string>): string | null => {
      if (tfjsFree.has(file)) return tfjsFree.get(file)!;
      if (seen.has(file)) return null;
      seen.add(file);
      for (const imp of importsOf(file)) {
        if (imp.typeOnly || imp.dynamic) continue;
        if (imp.source.startsWith('@tensorflow/')) return `${relative(SRC, file)} -> ${imp.source}`;
        const target = resolveLocal(file, imp.source);
        if (!target || !/\.tsx?$/.test(target)) continue;
        const rest = pathToTfjs(target, seen);
        if (rest) return `${relative(SRC, file)} -> ${rest}`;
      }
      tfjsFree.set(file, null);
      return null;
    };
    const chains = mainThread.map((f) => pathToTfjs(f, new Set())).filter((c): c is string => c !== null);
    expect(chains).toEqual([]);
  });

  it('core has no import cycle', () => {
    const core = files.filter((f) => layerOf(f) === 'core');
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, stack: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const imp of importsOf(file)) {
        if (imp.typeOnly) continue;
        const target = resolveLocal(file, imp.source);
        if (target && /\.tsx?$/.test(target) && layerOf(target) === 'core') visit(target, [...stack, file]);
      }
      state.set(file, 'done');
    };
    for (const file of core) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
