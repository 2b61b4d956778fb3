/**
 * The experience, on the demo library: the main journey works with the keyboard alone (loading the
 * demo included); every screen is accessible (axe-core: no serious or critical violation) in both
 * themes on a phone and on a desktop; and each screen still looks as its reviewed screenshot.
 * The tests build on each other (the journey loads the library the others look at), in this order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoReady, keepsakeSession, settled, show, type DemoSession, type ScreenState } from './demo-screens';
import { compareWithBaseline } from './screenshots';
import { LOOKS, seriousViolations, setLook } from './axe';

const AXE_STATES: ScreenState[] = ['library', 'viewer', 'people', 'person', 'events', 'event', 'memories', 'memory', 'memory-settings', 'books', 'book'];
const PICTURED_STATES: ScreenState[] = ['library', 'viewer', 'people', 'events', 'memories', 'memory', 'book'];

let session: DemoSession;
let page: Page;

beforeAll(async () => {
  session = await keepsakeSession(false);
  page = session.page;
});

afterAll(async () => {
  await session?.close();
});

/** Presses Tab until the focus is on an element matching `selector` (forwards, round the page if need be). */
async function tabTo(selector: string, limit = 250): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}; the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`);
}

/** The focused element shows that it has the focus (an outline, as :focus-visible draws it). */
async function focusIsVisible(): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    return element.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}

describe('keyboard only', () => {
  it('loads the demo, opens a memory, makes a book and exports it without a mouse', async () => {
    await setLook(page, LOOKS.find((look) => look.size === 'desktop' && look.theme === 'light')!);
    await tabTo('[data-testid=try-demo]');
    expect(await page.evaluate(() => document.activeElement!.textContent)).toMatch(/demo/i);
    expect(await focusIsVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await demoReady(page);
    await settled(page);

    await tabTo('[data-screen=memories]');
    expect(await focusIsVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await tabTo('[data-testid=memory-card] button');
    const title = await page.evaluate(() => document.activeElement!.closest('[data-testid=memory-card]')!.querySelector('[data-testid=memory-title]')!.textContent);
    expect(await focusIsVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=memory-detail]');

    // A dialog keeps the focus inside until it closes, then gives it back.
    await page.getByRole('button', { name: 'All memories' }).focus();
    await page.keyboard.press('Enter');
    await tabTo('[data-testid=memories-settings]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open] [data-testid=memory-settings]');
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('memories-settings');

    await tabTo('[data-screen=books]');
    await page.keyboard.press('Enter');
    await tabTo('[data-testid=book-memory]');
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement).selectedOptions[0]!.textContent)).toContain(title);
    await tabTo('[data-testid=book-make]');
    expect(await focusIsVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=book-editor]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=book-editor] h2').textContent()).toContain(title);

    await tabTo('[data-testid=book-export]');
    expect(await focusIsVisible()).toBe(true);
    const download = page.waitForEvent('download', { timeout: 170_000 });
    await page.keyboard.press('Enter');
    expect((await download).suggestedFilename()).toMatch(/\.pdf$/);
    await page.waitForSelector('[data-testid=book-exported]', { timeout: 60_000 });
  });
});

describe('accessibility', () => {
  it('has no serious or critical axe violation on any screen, in both themes, on a phone and a desktop', async () => {
    const found: string[] = [];
    let checked = 0;
    for (const look of LOOKS) {
      await setLook(page, look);
      for (const state of AXE_STATES) {
        if (!(await show(page, state))) continue;
        found.push(...(await seriousViolations(page, `${look.size} ${look.theme} ${state}`)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4 * (AXE_STATES.length - 1));
    expect(found).toEqual([]);
  });
});

describe('screenshots', () => {
  it('shows every screen as its reviewed baseline, at 390×844 and 1440×900, light and dark', async () => {
    const problems: string[] = [];
    for (const look of LOOKS) {
      await setLook(page, look);
      for (const state of PICTURED_STATES) {
        if (!(await show(page, state))) continue;
        // The storage meter's numbers change with every byte stored (the viewer covers it).
        const png = await page.screenshot({ animations: 'disabled', caret: 'hide', mask: state === 'viewer' ? [] : [page.locator('.meter')] });
        const result = compareWithBaseline(`${state}-${look.width}x${look.height}-${look.theme}`, png);
        if (result.problem) problems.push(`${result.name}: ${result.problem}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

