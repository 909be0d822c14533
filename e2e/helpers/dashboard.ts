/**
 * The dashboard as the tests see it: ways to open files (drop and file picker), to wait until
 * the app settled, and to find files, tabs, rows, fields, bytes and timeline lanes without
 * knowing the markup.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export class Dashboard {
  constructor(readonly page: Page) {}

  /** Opens the app (the built-in sample loads and decodes at start) and waits for it. */
  async goto(hash = ''): Promise<void> {
    await this.page.goto(`/${hash}`);
    await this.waitForIdle();
  }

  /** Waits until no fetch, decode or byte read is in flight and the outcome is rendered. */
  async waitForIdle(timeout = 30_000): Promise<void> {
    await this.page.waitForFunction(() => window.__appIdle?.() === true, undefined, { timeout, polling: 50 });
  }

  /**
   * Drops files on the drop zone the way a browser does: a DataTransfer holding File objects,
   * with dragenter, dragover and drop events.
   */
  async dropFiles(...paths: string[]): Promise<void> {
    const files = await Promise.all(paths.map(async (p) => ({ name: basename(p), base64: (await readFile(p)).toString('base64') })));
    const transfer = await this.page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bin = atob(f.base64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        dt.items.add(new File([bytes], f.name, { type: 'application/octet-stream' }));
      }
      return dt;
    }, files);
    const zone = this.dropZone();
    for (const type of ['dragenter', 'dragover', 'drop']) {
      await zone.dispatchEvent(type, { dataTransfer: transfer });
    }
    await transfer.dispose();
    await this.waitForFiles(paths.map((p) => basename(p)));
  }

  /** Opens files through the `<input type=file>` of the file picker. */
  async pickFiles(...paths: string[]): Promise<void> {
    await this.page.locator('input[type=file]').first().setInputFiles(paths);
    await this.waitForFiles(paths.map((p) => basename(p)));
  }

  /** Every file is listed and recognised, and whatever it started (a decode, a parse) is done. */
  private async waitForFiles(names: readonly string[]): Promise<void> {
    for (const name of names) await expect(this.fileItem(name).last()).not.toHaveAttribute('data-kind', 'detecting');
    await this.waitForIdle();
  }

  // ---- workspace

  filesPanel(): Locator {
    return this.page.getByTestId('files-panel');
  }

  /** A file's entry in the Files panel, by its name. */
  fileItem(name: string): Locator {
    return this.filesPanel().locator(`[data-testid="file-item"][data-name="${cssString(name)}"]`);
  }

  /** What the file was recognised as, as the Files panel says it (`migration stream`, `load log`...). */
  fileKind(name: string): Locator {
    return this.fileItem(name).getByTestId('file-kind');
  }

  async removeFile(name: string): Promise<void> {
    await this.fileItem(name).getByRole('button', { name: `Remove ${name}` }).click();
    await this.waitForIdle();
  }

  tab(label: string): Locator {
    return this.page.getByRole('tab', { name: label, exact: true });
  }

  async openTab(label: string): Promise<void> {
    await this.tab(label).click();
    await expect(this.tab(label)).toHaveAttribute('aria-selected', 'true');
    await this.waitForIdle();
  }

  // ---- timeline

  timeline(side: 'save' | 'load'): Locator {
    return this.page.getByTestId(`timeline-${side}`);
  }

  /** Lane labels of a timeline, in order: `idstr#instance` (or `configuration`). */
  laneKeys(side: 'save' | 'load'): Promise<string[]> {
    return this.timeline(side).locator('[role=option]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane') ?? ''));
  }

  lane(side: 'save' | 'load', key: string): Locator {
    return this.timeline(side).locator(`[role=option][data-lane="${cssString(key)}"]`);
  }

  /** A lane's drawing in the plot (its bars are inside). */
  lanePlot(side: 'save' | 'load', key: string): Locator {
    return this.timeline(side).locator(`g.lane[data-lane="${cssString(key)}"]`);
  }

  axisLabels(side: 'save' | 'load'): Promise<string[]> {
    return this.timeline(side).getByTestId('timeline-axis').locator('text').allTextContents();
  }

  dropZone(): Locator {
    return this.page.getByTestId('drop-zone').first();
  }

  fileName(): Locator {
    return this.page.getByTestId('file-name');
  }

  machineType(): Locator {
    return this.page.getByTestId('machine-type');
  }

  sectionsTable(): Locator {
    return this.page.getByTestId('sections-table');
  }

  /** Rows of the sections table whose idstr is `idstr` (RAM has several: START, PART, END). */
  sectionRow(idstr: string, type?: string): Locator {
    const typeSel = type !== undefined ? `[data-type="${type}"]` : '';
    return this.sectionsTable().locator(`[role=row][data-idstr="${cssString(idstr)}"]${typeSel}`);
  }

  fieldTree(): Locator {
    return this.page.getByTestId('field-tree');
  }

  /** A field tree row by the node's name (`cpu_ticks_offset`, `env.regs[3]`). */
  field(name: string): Locator {
    return this.fieldTree().locator(`[role=treeitem][data-name="${cssString(name)}"]`);
  }

  hexView(): Locator {
    return this.page.getByTestId('hex-view');
  }

  /**
   * The hex cells holding the byte at a stream offset (rendered only when scrolled into view):
   * the view draws runs of bytes that look alike (`data-start`..`data-end`), so this is the run
   * with that byte, and a byte with a class of its own (sel-first, cursor, marker) is alone in it.
   */
  hexByte(offset: number): Locator {
    return this.hexView().locator(`xpath=.//span[contains(concat(' ', @class, ' '), ' hex-bytes ')]/span[number(@data-start) <= ${offset} and number(@data-end) > ${offset}]`);
  }

  /** Clicks the byte at a stream offset in the hex column: its place in the run it is drawn in. */
  async clickHexByte(offset: number): Promise<void> {
    const run = this.hexByte(offset);
    const [start, end, box] = await Promise.all([run.getAttribute('data-start'), run.getAttribute('data-end'), run.boundingBox()]);
    if (start === null || end === null || box === null) throw new Error(`byte 0x${offset.toString(16)} is not drawn`);
    const perByte = box.width / (Number(end) - Number(start));
    await run.click({ position: { x: (offset - Number(start) + 0.5) * perByte, y: box.height / 2 } });
  }

  errorPanel(): Locator {
    return this.page.getByRole('alert');
  }

  // ---- tour, links, exports

  tour(): Locator {
    return this.page.getByTestId('tour');
  }

  /** The hex view's footer: `selected 0x…–0x… · N bytes`. */
  hexSelection(): Locator {
    return this.page.getByTestId('hex-selection');
  }

  /** The parameters of the page's hash (what a copied link carries). */
  hashParams(): URLSearchParams {
    return new URLSearchParams(new URL(this.page.url()).hash.replace(/^#/, ''));
  }

  /** Runs an export menu's item and returns the file the browser was given. */
  async exportFile(menu: string, item: string): Promise<{ readonly name: string; readonly bytes: Buffer }> {
    await this.page.getByRole('button', { name: menu }).click();
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('menuitem', { name: item }).click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), bytes: await readFile(path) };
  }

  async screenshot(name: string): Promise<void> {
    await this.waitForIdle();
    await this.page.screenshot({ path: `test-results/${name}.png` });
  }
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
