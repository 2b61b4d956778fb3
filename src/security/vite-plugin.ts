/**
 * keepsakeSecurity(): the security headers of src/security/headers.ts on Vite's dev and preview
 * servers, the policy as a <meta> in index.html, and dist/_headers (the format Netlify and
 * Cloudflare Pages read) so a static deploy sends the same headers.
 */
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY, securityHeaders } from './headers.ts';

export function keepsakeSecurity(): Plugin {
  const headers = securityHeaders();
  return {
    name: 'keepsake-security',
    config: () => ({ server: { headers }, preview: { headers } }),
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
    generateBundle() {
      const lines = Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
      this.emitFile({ type: 'asset', fileName: '_headers', source: `/*\n${lines.join('\n')}\n` });
    },
  };
}
