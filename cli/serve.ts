/**
 * A tiny static server for the built app (dist/), with the same security headers as `vite preview`
 * (src/security/headers.ts). Used by the `book` command, the browser tests and the benchmarks.
 * Content-Security-Policy violations are reported to it (same origin) and kept in `cspViolations`,
 * so a test fails when anything the policy forbids was attempted, in the page or in a worker.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { securityHeaders } from '../src/security/headers';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.heic': 'image/heic', '.wasm': 'application/wasm',
  '.map': 'application/json', '.md': 'text/markdown; charset=utf-8',
};

export const ROOT = resolve(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist');

/** Build the app, unless KEEPSAKE_SKIP_BUILD=1 says a fresh dist/ is already there (tests build once). */
export function ensureBuilt(log: (line: string) => void): void {
  if (existsSync(join(DIST, 'index.html')) && process.env.KEEPSAKE_SKIP_BUILD === '1') return;
  log('building the app (vite build)…');
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('vite build failed');
}

const CSP_REPORTS = '/__csp-report';

/** One CSP violation as the browser reported it (report-uri format). */
export interface CspViolation {
  'document-uri'?: string;
  'violated-directive'?: string;
  'blocked-uri'?: string;
  'source-file'?: string;
}

export interface Served {
  url: string;
  server: Server;
  cspViolations: CspViolation[];
}

export async function serveDist(): Promise<Served> {
  const cspViolations: CspViolation[] = [];
  const headers = securityHeaders(CSP_REPORTS);
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === CSP_REPORTS) return collectReport(req, res, cspViolations);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(DIST, path));
    if (!file.startsWith(DIST)) return void res.writeHead(403).end();
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      ...headers,
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return { url: `http://127.0.0.1:${address.port}`, server, cspViolations };
}

function collectReport(req: IncomingMessage, res: ServerResponse, into: CspViolation[]): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { 'csp-report'?: CspViolation };
      into.push(body['csp-report'] ?? (body as CspViolation));
    } catch {
      into.push({ 'violated-directive': 'unreadable report' });
    }
    res.writeHead(204).end();
  });
}
