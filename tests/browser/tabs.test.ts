/**
 * Keepsake open in two tabs of one browser: one leads (analysis, people, events, memories), the
 * other says so; photos imported in either are analysed once, by the leader, and appear in both; a
 * book edited in one tab shows the edit in the other, which builds on it instead of overwriting it;
 * when the leading tab closes, the other takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist, type Served } from '../../cli/serve';
import { importFiles, openApp, waitForAnalysis, status } from '../../cli/drive';
import { installPageHelpers } from './page-helpers';
import type { BookRecord } from '../../src/db/schema';
import { CORPUS, manifest } from '../corpus';

const quiet = (): void => undefined;
const corpus = manifest().files;
const FIRST = corpus.filter((file) => file.event_id === 'S-E1').map((file) => join(CORPUS, file.path));
const LATER = corpus.filter((file) => file.event_id === 'S-E4').map((file) => join(CORPUS, file.path));

let served: Served;
let browser: Browser;
let first: Page;
let second: Page;

async function openTab(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${served.url}/?automation=1&demo=0`);
  await page.waitForFunction(() => window.__keepsake?.status().loaded === true, null, { timeout: 60_000 });
  await installPageHelpers(page);
  return page;
}

const bookText = (page: Page): Promise<string> => page.locator('[data-testid=book-text]').first().inputValue();

beforeAll(async () => {
  served = await serveDist();
  browser = await launchBrowser();
  first = await openApp(browser.context, served.url);
  await installPageHelpers(first);
  second = await openTab();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  served?.server.close();
});

describe('two tabs at once', () => {
  it('lets one tab lead and tells the other', async () => {
    expect(await first.getByTestId('other-tab').count()).toBe(0);
    expect(await second.getByTestId('other-tab').isVisible()).toBe(true);
  });

  it('analyses photos imported in the other tab once, in the leading tab, and shows them in both', async () => {
    await importFiles(second, FIRST, quiet, 'file-input');
    await first.waitForFunction((count) => window.__keepsake!.status().photos === count, FIRST.length, { timeout: 60_000 });
    await first.waitForFunction(() => window.__keepsake!.status().analysis.phase !== 'idle', null, { timeout: 60_000 });
    await waitForAnalysis(first, quiet);
    expect(await first.evaluate(() => window.__keepsake!.unanalysed())).toBe(0);
    expect((await status(second)).analysis.phase).toBe('idle');
    expect((await status(second)).photos).toBe(FIRST.length);
    expect(await first.evaluate(() => window.__kt.records('analyses').then((all) => all.length))).toBe(FIRST.length);
  });

  it('shows an edit made to a book in one tab in the other, which builds on it', async () => {
    await first.evaluate(() => window.__keepsake!.clusterSettled());
    const memory = (await first.evaluate(() => window.__keepsake!.report('photos'))).memories![0]!;
    await first.click('[data-screen=books]');
    await first.selectOption('[data-testid=book-memory]', memory.id);
    await first.click('[data-testid=book-make]');
    await first.waitForSelector('[data-testid=book-editor]');
    await second.click('[data-screen=books]');
    await second.click('[data-testid=book-card]');
    await second.waitForSelector('[data-testid=book-editor]');

    await first.fill('[data-testid=book-text] >> nth=0', 'Edited in the first tab');
    await first.press('[data-testid=book-text] >> nth=0', 'Tab');
    await expect.poll(() => bookText(second)).toBe('Edited in the first tab');

    await second.fill('[data-testid=book-text] >> nth=1', 'Then in the second');
    await second.press('[data-testid=book-text] >> nth=1', 'Tab');
    await expect.poll(() => first.locator('[data-testid=book-text]').nth(1).inputValue()).toBe('Then in the second');
    const [stored] = await first.evaluate(() => window.__kt.records<BookRecord>('books'));
    expect(stored!.pages[0]!.texts.slice(0, 2).map((text) => text.text)).toEqual(['Edited in the first tab', 'Then in the second']);
  });

  it('hands the work to the other tab when the leading one closes', async () => {
    await first.close();
    await expect.poll(() => second.getByTestId('other-tab').count()).toBe(0);
    await second.click('[data-screen=library]');
    await importFiles(second, LATER, quiet, 'file-input');
    await second.waitForFunction(() => window.__keepsake!.status().analysis.phase !== 'idle', null, { timeout: 60_000 });
    await waitForAnalysis(second, quiet);
    expect(await second.evaluate(() => window.__keepsake!.unanalysed())).toBe(0);
  });
});
