// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'drizzle/', 'eslint.config.js', '.stryker-tmp/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // process.env belongs to src/config.ts alone (STYLE.md): everything else gets validated config.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' }],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'vitest.config.ts', 'drizzle.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/domain/**'],
    rules: {
      // domain/ holds pure rules: no I/O, no Slack, no SQL.
      'no-restricted-imports': ['error', { patterns: ['../db/*', '../slack/*', '../services/*', '../notify/*', '@slack/*', 'drizzle-orm*', 'postgres', '@electric-sql/*', 'node:fs*', 'node:net', 'node:http'] }],
    },
  },
  {
    files: ['src/notifications/**'],
    rules: {
      // notifications/ formats what services hand it; it knows neither the Slack app nor the use cases.
      'no-restricted-imports': ['error', { patterns: ['../slack/*', '../services/*'] }],
    },
  },
  {
    files: ['src/slack/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../db/*', '../../db/*', 'drizzle-orm*', 'postgres', '@electric-sql/*'] }],
    },
  },
);
