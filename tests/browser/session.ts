/** A browser test's app: the built app served locally, in a fresh headless Chromium, with some photos imported and analysed. */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../cli/browser';
import { serveDist } from '../../cli/serve';
import { importFiles, openApp, waitForAnalysis } from '../../cli/drive';

export interface AppSession {
  page: Page;
  close(): Promise<void>;
}

const quiet = (): void => undefined;

export async function appWithPhotos(paths: string[]): Promise<AppSession> {
  const { server, url } = await serveDist();
  const browser = await launchBrowser();
  const page = await openApp(browser.context, url);
  await importFiles(page, paths, quiet, 'file-input');
  await waitForAnalysis(page, quiet);
  await page.evaluate(() => window.__keepsake!.clusterSettled());
  return {
    page,
    async close() {
      await browser.close();
      server.close();
    },
  };
}
