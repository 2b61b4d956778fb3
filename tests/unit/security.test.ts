import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CONTENT_SECURITY_POLICY_DIRECTIVES, META_CONTENT_SECURITY_POLICY, contentSecurityPolicy, securityHeaders } from '../../src/security/headers';
import { TELEMETRY_ENDPOINT, withoutTelemetry } from '../../src/security/no-telemetry';

const directive = (policy: string, name: string): string | undefined => policy.split('; ').find((part) => part.startsWith(`${name} `));

describe('the Content-Security-Policy', () => {
  it('allows scripts from our origin and WebAssembly only: no inline script, no eval', () => {
    expect(directive(contentSecurityPolicy(), 'script-src')).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(directive(contentSecurityPolicy(), 'default-src')).toBe("default-src 'self'");
    expect(directive(contentSecurityPolicy(), 'connect-src')).toBe("connect-src 'self'");
    expect(contentSecurityPolicy()).not.toMatch(/'unsafe-eval'|\*|https?:/);
  });

  it('adds a same-origin report-uri only when asked, and leaves header-only directives out of the meta tag', () => {
    expect(contentSecurityPolicy('/__csp-report')).toMatch(/; report-uri \/__csp-report$/);
    expect(contentSecurityPolicy()).not.toMatch(/report-uri/);
    expect(META_CONTENT_SECURITY_POLICY).not.toMatch(/frame-ancestors/);
    expect(META_CONTENT_SECURITY_POLICY.split('; ')).toHaveLength(CONTENT_SECURITY_POLICY_DIRECTIVES.length - 1);
  });

  it('comes with cross-origin isolation and no referrer', () => {
    expect(securityHeaders()).toMatchObject({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Referrer-Policy': 'no-referrer' });
  });
});

describe("MediaPipe's usage logger", () => {
  // The ES module build: what Vite bundles into the vision worker.
  const bundle = readFileSync(createRequire(import.meta.url).resolve('@mediapipe/tasks-vision').replace(/\.cjs$/, '.mjs'), 'utf8');

  it('is removed from the tasks-vision bundle, endpoint and all', () => {
    expect(bundle).toContain(TELEMETRY_ENDPOINT);
    const patched = withoutTelemetry(bundle);
    expect(patched).not.toContain(TELEMETRY_ENDPOINT);
    expect(patched).not.toMatch(/\w+\.o=new \w+\(\w+\.D\(\),\w+,\w+\)/);
    expect(patched.length).toBeLessThan(bundle.length);
  });

  it('fails the build when an upgrade changes the code the patch knows', () => {
    expect(() => withoutTelemetry(bundle.replace(TELEMETRY_ENDPOINT, 'https://example.org/log'))).toThrow(/tasks-vision changed/);
    expect(() => withoutTelemetry('export const nothing = 1;')).toThrow(/0 logger constructions/);
  });
});
