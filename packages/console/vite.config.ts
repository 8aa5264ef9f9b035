import { defineConfig } from 'vite';

// Served by `callhook serve` under /console/ (packages/server/src/http/console/): hashed file
// names under assets/ are cached for a year, and nothing is inlined, so the page runs under a
// Content-Security-Policy without 'unsafe-inline'.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
