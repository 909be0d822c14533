/**
 * The tour as a teacher uses it, on real streams: every step highlights exactly the bytes its
 * parts name and the hex view shows them (also when started from the failed sample's Timeline);
 * the subsection step names marker, name length, name, version, then fields; a step walks a
 * virtio device's queues; one explains the failed sample's footer byte; the controls pass axe's
 * contrast check in light and dark, hovered and focused.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';

test.describe.configure({ timeout: 180_000 });

const hex = (n: number): string => `0x${n.toString(16)}`;

interface StepBytes {
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly parts: readonly { readonly label: string; readonly start: number; readonly end: number }[];
}

/** The step on show: its title, the bytes its header names, and its parts' bytes. */
async function stepBytes(app: Dashboard): Promise<StepBytes> {
  const tour = app.tour();
  const title = (await tour.getByRole('heading').textContent()) ?? '';
  const bytes = (await tour.getByTestId('tour-bytes').textContent()) ?? '';
  const m = /^(0x[0-9a-f]+)–(0x[0-9a-f]+)/.exec(bytes);
  if (m === null) throw new Error(`no bytes in "${bytes}"`);
  const parts = await tour.locator('.tour-part').evaluateAll((els) =>
    els.map((e) => ({
      label: e.querySelector('.tour-part-name')?.textContent ?? '',
      start: Number.parseInt(e.querySelector('.tour-part-off')?.textContent ?? '', 16),
      size: Number((e.querySelector('.tour-part-size')?.textContent ?? '').replace(/[^0-9]/g, '')),
    })),
  );
  return { title, start: Number(m[1]), end: Number(m[2]), parts: parts.map((p) => ({ label: p.label, start: p.start, end: p.start + p.size })) };
}

/** The hex view shows the row of `offset` (not just keeps it somewhere in the scroll range). */
async function rowOnScreen(page: Page, offset: number): Promise<boolean> {
  return page.getByTestId('hex-view').evaluate((scroller, row) => {
    const el = scroller.querySelector(`.hex-row[data-row-offset="${row}"]`);
    if (el === null) return false;
    const r = el.getBoundingClientRect();
    const s = scroller.getBoundingClientRect();
    return r.top >= s.top - 1 && r.bottom <= s.bottom + 1;
  }, offset - (offset % 16));
}

/** Each step of the tour: the hex selection is its bytes, on screen, its parts inside them. */
async function walkSteps(app: Dashboard): Promise<StepBytes[]> {
  const seen: StepBytes[] = [];
  for (;;) {
    await app.waitForIdle();
    const step = await stepBytes(app);
    await expect(app.hexSelection(), step.title).toContainText(`selected ${hex(step.start)}–${hex(step.end)} · `);
    await expect(app.hexByte(step.start), step.title).toHaveClass(/\bsel-first\b/);
    if (step.start > 0) await expect(app.hexByte(step.start - 1), step.title).not.toHaveClass(/\bsel\b/);
    expect(await rowOnScreen(app.page, step.start), `${step.title}: its first byte on screen`).toBe(true);
    for (const p of step.parts) {
      expect(p.start, `${step.title} ${p.label}`).toBeGreaterThanOrEqual(step.start);
      expect(p.end, `${step.title} ${p.label}`).toBeLessThanOrEqual(step.end);
    }
    seen.push(step);
    const next = app.tour().getByRole('button', { name: 'Next' });
    if ((await next.count()) === 0) return seen;
    await next.click();
  }
}

test('every step of the 11.1 sample: its bytes selected and on screen; the subsection’s five parts', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await page.getByRole('button', { name: 'Tour the format' }).click();
  const steps = await walkSteps(app);
  expect(steps).toHaveLength(13);
  const sub = steps.find((s) => s.title === 'Subsection: fw_cfg/dma');
  // Marker, name length, name, version, then the field: together exactly the highlighted bytes.
  expect(sub?.parts).toEqual([
    { label: 'marker', start: 0x9bef0, end: 0x9bef1 },
    { label: 'name length', start: 0x9bef1, end: 0x9bef2 },
    { label: 'name', start: 0x9bef2, end: 0x9befc },
    { label: 'version', start: 0x9befc, end: 0x9bf00 },
    { label: 'dma_addr', start: 0x9bf00, end: 0x9bf08 },
  ]);
  expect(sub).toMatchObject({ start: 0x9bef0, end: 0x9bf08 });

  // A part selects its own bytes, those the decoder keeps no node for too.
  await page.goto('about:blank');
  await app.goto('#tour=9');
  await app.tour().getByRole('button', { name: /name length/ }).click();
  await app.waitForIdle();
  await expect(app.hexSelection()).toContainText('selected 0x9bef1–0x9bef2 · 1 bytes');
  await app.tour().getByRole('button', { name: /^0x9bef2\s*name/ }).click();
  await app.waitForIdle();
  await expect(app.hexSelection()).toContainText('selected 0x9bef2–0x9befc · 10 bytes');
});

test('started from the failed sample’s Timeline: the hex view follows every step, to the footer byte where decoding stopped', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=e-7.2-footer');
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Tour the format' }).click();
  const steps = await walkSteps(app);
  const last = steps.at(-1);
  expect(last).toMatchObject({ title: "Where decoding stopped: mc146818rtc's footer", start: 0x165e88, end: 0x165e89 });
  await expect(app.tour()).toContainText('The byte there is 0x7f');
  await expect(app.tour()).toContainText('"Missing section footer for mc146818rtc"');
  await expect(app.hexByte(0x165e88)).toHaveClass(/\bmarker\b/);
  await expect(app.sectionRow('mc146818rtc')).toHaveAttribute('aria-selected', 'true');
  await app.screenshot('tour-footer-error');
  // Back to the first step: the view goes back to the start of the stream.
  for (let i = 0; i < steps.length - 1; i++) await page.keyboard.press('ArrowLeft');
  await app.waitForIdle();
  await expect(app.hexSelection()).toContainText('selected 0x0–0x8 · ');
  expect(await rowOnScreen(page, 0)).toBe(true);
});

test('a step through virtio-net’s queues on the 10.0 virtio stream', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=virtio-10.0-to-11.1&view=stream');
  await page.getByRole('button', { name: 'Tour the format' }).click();
  const tour = app.tour();
  while (!((await tour.getByRole('heading').textContent()) ?? '').startsWith('Virtio queues')) {
    await tour.getByRole('button', { name: 'Next' }).click();
    await app.waitForIdle();
  }
  await expect(tour.getByRole('heading')).toHaveText('Virtio queues: 0000:00:01.0/virtio-net');
  await expect(tour).toContainText('0000:00:01.0/virtio-net has 3 rings of 1024 entries');
  await expect(app.hexSelection()).toContainText('selected 0x174797–0x1747cb · 52 bytes');
  expect(await rowOnScreen(page, 0x174797)).toBe(true);
  const ring = tour.getByRole('button', { name: /queues\[0\] vring\.num/ });
  await expect(ring).toContainText('1024 (0x400)');
  await ring.click();
  await app.waitForIdle();
  await expect(app.hexSelection()).toContainText('selected 0x17479b–0x17479f · 4 bytes');
  // The tree shows the queue as the decoder read it.
  await expect(app.field('vring.num')).toHaveAttribute('aria-selected', 'true');
  await app.screenshot('tour-virtio-queues');
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the tour’s controls pass axe’s contrast check (${scheme}), hovered and focused`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const app = new Dashboard(page);
    await app.goto('#tour=9');
    const contrast = async (what: string): Promise<void> => {
      const results = await new AxeBuilder({ page }).include('[data-testid="tour"]').withRules(['color-contrast']).analyze();
      const bad = results.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`));
      expect(bad, `${scheme}, ${what}`).toEqual([]);
    };
    await contrast('at rest');
    const next = app.tour().getByRole('button', { name: 'Next' });
    await next.hover();
    await contrast('Next hovered');
    await next.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await contrast('Next focused');
    await app.tour().getByRole('button', { name: 'Back' }).hover();
    await contrast('Back hovered');
    await page.mouse.move(0, 0);
    // And every other WCAG A/AA rule on the tour: nothing serious or critical.
    const all = await new AxeBuilder({ page }).include('[data-testid="tour"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = all.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
    expect(serious, scheme).toEqual([]);
    await app.screenshot(`tour-${scheme}`);
  });
}
