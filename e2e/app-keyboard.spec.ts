/**
 * Working without a mouse: the hex view's arrow keys move the selected byte (and so the
 * field), the tables and the tree have theirs; all of it reachable with Tab.
 */
import { expect, test } from '@playwright/test';
import { cliDecode, repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const STREAM_111 = repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.mig.gz');

test('hex view: arrows move the byte, the field follows', async ({ page }) => {
  const cli = await cliDecode(STREAM_111);
  const timer = cli.devices?.find((d) => d.idstr === 'timer');
  const ticks = timer?.fields.find((f) => f.name === 'cpu_ticks_offset');
  const unused = timer?.fields.find((f) => f.name === 'unused');
  const clock = timer?.fields.find((f) => f.name === 'cpu_clock_offset');
  if (ticks === undefined || unused === undefined || clock === undefined) throw new Error('the CLI shows no timer fields');

  const app = new Dashboard(page);
  await app.goto();
  await app.sectionRow('timer').click();
  await app.waitForIdle();
  await app.clickHexByte(ticks.end - 1);
  await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexView()).toBeFocused();
  await expect(app.hexByte(ticks.end - 1)).toHaveClass(/\bcursor\b/);

  await page.keyboard.press('ArrowRight');
  await expect(app.field('unused')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(unused.start)).toHaveClass(/\bcursor\b/);
  await page.keyboard.press('ArrowLeft');
  await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(app.hexByte(ticks.start - (ticks.start % 16))).toHaveClass(/\bcursor\b/);
  await app.clickHexByte(ticks.start);
  // A row down is 16 bytes on: past cpu_ticks_offset and the 8 unused bytes, at cpu_clock_offset.
  expect(ticks.start + 16).toBe(clock.start);
  await page.keyboard.press('ArrowDown');
  await expect(app.field('cpu_clock_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(clock.start)).toHaveClass(/\bcursor\b/);
  await page.keyboard.press('ArrowUp');
  await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexSelection()).toContainText(`0x${ticks.start.toString(16)}–0x${ticks.end.toString(16)}`);

  // Ctrl+Home: the first byte of the stream, in the header.
  await page.keyboard.press('Control+Home');
  await expect(app.sectionRow('header QEVM v3')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(0)).toHaveClass(/\bcursor\b/);
  await app.waitForIdle();
});

test('Tab reaches the table, the tree and the bytes, each with its arrow keys', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  const grid = page.getByRole('grid', { name: 'Sections and other records' });
  const tree = page.getByRole('tree', { name: 'Fields' });
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await expect(app.sectionRow('timer')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Tab');
  // The fields export menu sits between the table and the tree.
  await expect(page.getByRole('button', { name: 'Export the fields of the selected record' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(tree).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(app.field('header')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Go to offset')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(app.hexView()).toBeFocused();
  await expect(app.hexByte(0x9b676)).toHaveClass(/\bcursor\b/);
  await page.keyboard.press('ArrowRight');
  await expect(app.hexByte(0x9b677)).toHaveClass(/\bcursor\b/);
  await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
});
