/**
 * Headless Chromium for the CLI, tests and benchmarks: Debian's /usr/bin/chromium when present
 * (Playwright cannot download browsers here), otherwise Playwright's own browser.
 * A fresh persistent profile gives real, disk-backed IndexedDB and OPFS quota.
 */
import { chromium, type BrowserContext } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export interface Browser {
  context: BrowserContext;
  profile: string;
  close(): Promise<void>;
}

/** `webgpu` adds the flag that enables WebGPU in headless Chromium (a software adapter where there is no GPU). */
export async function launchBrowser(options: { profile?: string; keepProfile?: boolean; webgpu?: boolean } = {}): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? SYSTEM_CHROMIUM.find((path) => existsSync(path));
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'keepsake-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    ...(executablePath ? { executablePath } : {}),
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync',
      '--disable-dev-shm-usage',
      ...(options.webgpu ? ['--enable-unsafe-webgpu'] : []),
    ],
    viewport: { width: 1280, height: 860 },
  });
  return {
    context,
    profile,
    async close() {
      await context.close();
      if (!options.keepProfile && !options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
