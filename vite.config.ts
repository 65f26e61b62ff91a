import react from '@vitejs/plugin-react';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * The threaded SIMD build of tfjs's wasm backend needs SharedArrayBuffer, which browsers give only to
 * cross-origin-isolated pages. Any host of the static build must send these two headers (see README).
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MIME: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

/** Serves models/ at /models/ in dev and copies it into the build, so the bundled models ship with the app. */
function bundledModels(dir: string): Plugin {
  const files = (root: string): string[] =>
    readdirSync(root, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(root, entry.name)) : [join(root, entry.name)],
    );
  return {
    name: 'bundled-models',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        // Module imports of the cards (import.meta.glob asks for "card.json?import") are Vite's to transform.
        if (!req.url || req.url.includes('?')) return next();
        const path = resolve(dir, '.' + decodeURIComponent(req.url));
        if (!path.startsWith(dir + sep) || !existsSync(path) || !statSync(path).isFile()) return next();
        res.setHeader('Content-Type', MIME[extname(path)] ?? 'application/octet-stream');
        createReadStream(path).pipe(res);
      });
    },
    generateBundle() {
      for (const file of files(dir)) {
        this.emitFile({ type: 'asset', fileName: `models/${relative(dir, file).split(sep).join('/')}`, source: readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), bundledModels(resolve(import.meta.dirname, 'models'))],
  server: { headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
  worker: {
    format: 'es',
    // tfjs's threaded wasm build sends its module factory to its pthreads as source text (Function#toString);
    // a minifier renames the outer variables that text refers to, and the pthreads fail ("e is not defined").
    rolldownOptions: { output: { minify: false } },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // bench.html is the browser half of `npm run bench`; it is not linked from the app.
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
