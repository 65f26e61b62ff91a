// ESLint flat config: typescript-eslint's recommended rules and the React hooks rules (run by `npm run lint`, part of `npm test`).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated code (`npm run build:validators`), build output, bundled models and data, test and bench artefacts.
    ignores: ['**/*.generated.*', 'dist/', 'models/', 'public/', 'test-results/', 'playwright-report/', 'bench-results/', 'e2e/screenshots/', '.ci/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
    rules: {
      // tsc already reports unused locals and parameters (noUnusedLocals, noUnusedParameters); `_name` marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Where promises meet React handlers and worker messages, a lost rejection is an error the user never sees. These rules
    // need type information, which costs ~3x the lint time, so they run on the UI and worker side only; the rest of
    // recommendedTypeChecked mostly flags `as` casts and `any` from tfjs and JSON (300+ findings for little gain).
    files: ['src/{app,bridge,components,features,stores,workers}/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Tests edit parsed JSON (model.json, reports) into broken shapes on purpose; typing every one of those is noise.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Both rules as errors: the code follows them today (no finding), and a warning nobody reads lets stale closures back in.
    files: ['src/**/*.tsx', 'src/**/use*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
