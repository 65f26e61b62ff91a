import react from '@vitejs/plugin-react';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { extname, join, relative, resolve, sep } from 'node:path';
import { defineConfig, type Connect, type Plugin } from 'vite';

/**
 * The threaded SIMD build of tfjs's wasm backend needs SharedArrayBuffer, which browsers give only to
 * cross-origin-isolated pages. Any host of the static build must send these two headers (see README).
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The app's Content-Security-Policy, sent by `vite preview` with every response (workers included: a policy in a
 * <meta> tag covers the page only) and written into the built HTML as a <meta> tag for hosts that send no header.
 * - script-src: 'wasm-unsafe-eval' compiles the tfjs .wasm binaries; blob: is tfjs's threaded wasm build, whose
 *   pthread workers (blob: workers) importScripts its module factory from a blob: URL. No 'unsafe-eval': the report
 *   validators are compiled ahead of time (scripts/build-validators.ts).
 * - worker-src blob: for those pthread workers; the app's own workers are 'self'.
 * - connect-src https: because a user may load a model by URL from any https host (the audit worker then allows
 *   weights only from model.json's origin); http on localhost for models served while developing one.
 * - style-src 'unsafe-inline' for React's style attributes (and the styles Vite injects in development).
 */
const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];
/** For the built HTML's <meta> tag, where frame-ancestors is not allowed. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');
/** Where `vite dev` and `vite preview` take violation reports (from workers too), logged on their terminal. */
export const CSP_REPORT_PATH = '/__csp-report';
/**
 * The header adds what only a header can say: no other site may frame the app, and violations are reported (the
 * end-to-end tests fail on any report). A host may leave out report-uri or point it at its own endpoint.
 */
const CSP_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'; report-uri ${CSP_REPORT_PATH}`;
/**
 * `vite dev` needs more: React's refresh preamble is an inline script, and hot reload talks over a WebSocket.
 * Still no 'unsafe-eval', so a dependency that needs it fails in development too.
 */
const CSP_DEV_HEADER = CSP_HEADER.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
  "connect-src 'self'",
  "connect-src 'self' ws: wss:",
);

/**
 * Writes the policy into every built page (first in <head>, so it covers everything after it), and answers the
 * violation reports of `vite dev` and `vite preview`, printing each one.
 */
function contentSecurityPolicy(): Plugin {
  const reports: Connect.NextHandleFunction = (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      console.warn(`Content-Security-Policy violation: ${body}`);
      res.statusCode = 204;
      res.end();
    });
  };
  return {
    name: 'content-security-policy',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, context) =>
        context.server ? [] : [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
    configureServer: (server) => void server.middlewares.use(CSP_REPORT_PATH, reports),
    configurePreviewServer: (server) => void server.middlewares.use(CSP_REPORT_PATH, reports),
  };
}

const MIME: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

/** Serves models/ at /models/ in dev and copies it into the build, so the bundled models ship with the app. */
function bundledModels(dir: string): Plugin {
  const files = (root: string): string[] =>
    readdirSync(root, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(root, entry.name)) : [join(root, entry.name)]));
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

/** Files worth compressing: text, wasm and the models' JSON and weights; others (PNG) are compressed already. */
const COMPRESSIBLE = /\.(js|css|html|json|wasm|bin|svg|txt|ts)$/;

/**
 * Writes a .gz and a .br copy beside every compressible file of the build larger than 1 KB, for hosts that serve
 * precompressed files (nginx gzip_static / brotli_static, Netlify, GitHub Pages' gzip): the bytes a first visit
 * downloads, without the host compressing on every request. Prints what it saved.
 */
function precompressed(): Plugin {
  let outDir = 'dist';
  return {
    name: 'precompressed',
    apply: 'build',
    configResolved: (config) => void (outDir = resolve(config.root, config.build.outDir)),
    closeBundle() {
      const files = (root: string): string[] =>
        readdirSync(root, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(root, entry.name)) : [join(root, entry.name)]));
      let raw = 0;
      let gz = 0;
      let br = 0;
      for (const file of files(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue;
        const gzipped = gzipSync(bytes, { level: 9 });
        // Quality 6 of 11: a few per cent larger than the best, in a small fraction of its time on 28 MB.
        const brotli = brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
        writeFileSync(`${file}.gz`, gzipped);
        writeFileSync(`${file}.br`, brotli);
        raw += bytes.length;
        gz += gzipped.length;
        br += brotli.length;
      }
      const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
      console.log(`precompressed: ${mb(raw)} -> ${mb(gz)} gzip, ${mb(br)} brotli (.gz and .br beside each file)`);
    },
  };
}

export default defineConfig({
  plugins: [react(), bundledModels(resolve(import.meta.dirname, 'models')), contentSecurityPolicy(), precompressed()],
  server: { headers: { ...CROSS_ORIGIN_ISOLATION, 'Content-Security-Policy': CSP_DEV_HEADER } },
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION, 'Content-Security-Policy': CSP_HEADER } },
  worker: {
    format: 'es',
    // tfjs's threaded wasm build sends its module factory to its pthreads as source text (Function#toString), so
    // that text may refer to no name of the bundle around it. Mangling renames only inside that function, except its
    // two outer names, kept here; compression is off, as it drops the factory's `typeof _scriptDir` guard (in a pthread
    // "_scriptDir is not defined"). Whitespace and local names go: worker bundles 3.2-4.0 MB -> 2.0-2.5 MB.
    rolldownOptions: { output: { minify: { compress: false, mangle: { reserved: ['_scriptDir', 'WasmBackendModuleThreadedSimd'] }, codegen: true } } },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // bench.html is the browser half of `npm run bench`; it is not linked from the app.
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
