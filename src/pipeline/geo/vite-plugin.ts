/**
 * keepsakeGazetteer(): serves the offline gazetteer (src/pipeline/geo/build.ts) from the app's own
 * origin — from memory in dev, as an emitted asset at GAZETTEER_PATH in the build — so reverse
 * geocoding never asks anyone else.
 */
import type { Plugin, ResolvedConfig } from 'vite';
import { buildGazetteer } from './build.ts';
import { GAZETTEER_PATH } from './gazetteer.ts';

export function keepsakeGazetteer(): Plugin {
  let config: ResolvedConfig;
  let bytes: Uint8Array | null = null;
  const gazetteer = (): Uint8Array => (bytes ??= buildGazetteer(config.root));
  return {
    name: 'keepsake-gazetteer',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url ? new URL(req.url, 'http://localhost').pathname : '';
        if (path !== `${config.base}${GAZETTEER_PATH}`) return next();
        for (const [name, value] of Object.entries(config.server.headers ?? {})) if (value !== undefined) res.setHeader(name, value as string);
        const body = gazetteer();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(body.length));
        res.end(Buffer.from(body.buffer, body.byteOffset, body.length));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: GAZETTEER_PATH, source: gazetteer() });
    },
  };
}
