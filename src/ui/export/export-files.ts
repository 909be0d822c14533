/**
 * Saving what a view shows: tables as CSV, models as JSON, charts as SVG or PNG. Everything is
 * made in the page and handed to the browser as a download (a Blob and `<a download>`);
 * nothing is sent anywhere.
 */
import { csvText, type CsvValue } from '../../analysis/csv-text.ts';
import { safeFileName } from './file-name.ts';
import { jsonText } from './json-text.ts';
import { svgFileText, svgSize } from './svg-standalone.ts';

export { csvText, csvCell, type CsvValue } from '../../analysis/csv-text.ts';
export { jsonText } from './json-text.ts';
export { safeFileName } from './file-name.ts';

/** Gives a Blob to the browser as a file download. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(filename);
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken its copy once click() returned in Chromium, not always in others.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportCsv(filename: string, header: readonly string[], rows: readonly (readonly CsvValue[])[]): void {
  // A BOM, so that spreadsheet programs read the names as UTF-8.
  downloadBlob(filename, new Blob(['\uFEFF', csvText(header, rows)], { type: 'text/csv;charset=utf-8' }));
}

export function exportJson(filename: string, data: unknown): void {
  downloadBlob(filename, new Blob([jsonText(data)], { type: 'application/json' }));
}

export function exportSvg(filename: string, svg: SVGSVGElement): void {
  downloadBlob(filename, new Blob([svgFileText(svg)], { type: 'image/svg+xml' }));
}

/** Above this many pixels canvases fail in some browsers; the scale gives way first. */
const MAX_CANVAS_PIXELS = 48_000_000;

/** The SVG rasterised in the page: an Image of the SVG from a blob: URL, drawn on a canvas. */
export async function exportPng(filename: string, svg: SVGSVGElement): Promise<void> {
  const { width, height } = svgSize(svg);
  await exportPngText(filename, svgFileText(svg), width, height);
}

/** An SVG document made in code (its styles inline), saved as is. */
export function exportSvgText(filename: string, text: string): void {
  downloadBlob(filename, new Blob([text], { type: 'image/svg+xml' }));
}

/** An SVG document made in code, rasterised as exportPng does. */
export async function exportPngText(filename: string, text: string, width: number, height: number): Promise<void> {
  if (width <= 0 || height <= 0) throw new Error('nothing to draw: the chart has no size');
  const scale = Math.max(1, Math.min(2, window.devicePixelRatio || 1, Math.sqrt(MAX_CANVAS_PIXELS / (width * height))));
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image(width, height);
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(width * scale);
    canvas.height = Math.floor(height * scale);
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('this browser gave no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    const png = await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob((b) => (b !== null ? resolve(b) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png');
    });
    downloadBlob(filename, png);
  } finally {
    URL.revokeObjectURL(url);
  }
}
