/**
 * The app's security headers, defined once: Vite's dev and preview servers, the local server of the
 * tests, CLI and benchmarks (cli/serve.ts), the built index.html's <meta> and dist/_headers (for
 * static hosts) all take them from here. See docs/security.md for why each directive is there.
 */

/**
 * Everything from our own origin, nothing from anywhere else. The exceptions are what the app
 * strictly needs: 'wasm-unsafe-eval' to compile WebAssembly (TF.js, MediaPipe, libheif); blob:
 * workers (TF.js's threaded WASM backend starts its pthreads from a Blob); blob:/data: images
 * (thumbnails and previews are Blobs from IndexedDB); inline styles (Svelte writes style
 * attributes for positions and sizes). No inline script, no eval, no plugins, no framing.
 */
export const CONTENT_SECURITY_POLICY_DIRECTIVES: ReadonlyArray<string> = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/** frame-ancestors is ignored (and warned about) in a <meta> policy: headers only. */
const HEADER_ONLY = /^frame-ancestors /;

/** The policy as an HTTP header; `reportUri` (same origin) collects violations, e.g. in tests. */
export function contentSecurityPolicy(reportUri?: string): string {
  return [...CONTENT_SECURITY_POLICY_DIRECTIVES, ...(reportUri ? [`report-uri ${reportUri}`] : [])].join('; ');
}

/** The policy for index.html's <meta>: where the host sets no headers, the page is still guarded. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY_DIRECTIVES.filter((directive) => !HEADER_ONLY.test(directive)).join('; ');

/** Cross-origin isolation (SharedArrayBuffer for WASM threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Every security header of a response from our origin. */
export function securityHeaders(reportUri?: string): Record<string, string> {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(reportUri),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
}
