/**
 * The hex view's scrolling cost in Chromium, as e2e/hex-scroll.spec.ts measures it: the app
 * served by Vite (a development build, as the tests see it), the failed sample's 1.7 MiB stream.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { measureHexScroll, scrollCostLine } from '../e2e/helpers/scroll-cost.ts';

export async function benchHexScroll(): Promise<string> {
  const server = await createServer({ server: { port: 5192, strictPort: false, host: '127.0.0.1' }, logLevel: 'silent' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5192/';
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}#sample=e-7.2-footer&view=stream`);
    await page.waitForFunction(() => window.__appIdle?.() === true, undefined, { timeout: 60_000, polling: 50 });
    return scrollCostLine(await measureHexScroll(browser, page));
  } finally {
    await browser.close();
    await server.close();
  }
}
