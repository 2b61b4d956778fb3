/**
 * mediapipeWithoutTelemetry(): MediaPipe's tasks-vision (1.1.0) creates a usage logger for every
 * task it builds, which POSTs counters to https://odml.pa.googleapis.com/v1/log every minute and
 * when the task closes. There is no option to turn it off, and Keepsake never talks to another
 * origin (the Content-Security-Policy would refuse it anyway, but the app must not even try). This
 * plugin removes the logger from the bundle: the task then holds no logger, which its code already
 * allows (every use is `this.o?.…`). If an upgrade changes the code so the patch no longer
 * applies, the build fails here instead of shipping the logger.
 */
import type { Plugin } from 'vite';

const BUNDLE = /@mediapipe\/tasks-vision\/vision_bundle\.mjs$/;
/** `t.o=new Uh(t.D(),e,r)`: the logger made right after the task's wasm module loads. */
const LOGGER = /(\w+)\.o=new \w+\(\1\.D\(\),\w+,\w+\)/g;
export const TELEMETRY_ENDPOINT = 'https://odml.pa.googleapis.com/v1/log';

/** The bundle's code without its usage logger; throws when the code is not what this patch knows. */
export function withoutTelemetry(code: string): string {
  const loggers = code.match(LOGGER)?.length ?? 0;
  const endpoints = code.split(TELEMETRY_ENDPOINT).length - 1;
  if (loggers !== 1 || endpoints !== 1) {
    throw new Error(`@mediapipe/tasks-vision changed (${loggers} logger constructions, ${endpoints} endpoints; expected 1 and 1): update src/security/no-telemetry.ts so its usage logger stays out`);
  }
  return code.replace(LOGGER, '$1.o=void 0').replace(TELEMETRY_ENDPOINT, '');
}

export function mediapipeWithoutTelemetry(): Plugin {
  return {
    name: 'keepsake-mediapipe-without-telemetry',
    enforce: 'pre',
    // Dev pre-bundling would skip transforms: serve the (already ESM) bundle through them instead.
    config: () => ({ optimizeDeps: { exclude: ['@mediapipe/tasks-vision'] } }),
    transform(code, id) {
      if (!BUNDLE.test(id.split('?')[0]!)) return null;
      return { code: withoutTelemetry(code), map: null };
    },
  };
}
