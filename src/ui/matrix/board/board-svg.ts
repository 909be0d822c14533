/**
 * The board on show as a standalone SVG document (the dashboard's SVG and PNG export): the
 * same groups, columns, rows and fills as the table, laid out by d3 bands. Text goes in as
 * escaped XML: names in manifests are chosen by whoever built QEMU.
 */
import { scaleBand } from 'd3-scale';
import type { BoardView } from './board-layout.ts';

const CELL_W = 30;
const CELL_H = 16;
const LABEL_CHAR = 6.4;
const HEAD = 62;

export function boardSvg(view: BoardView, title: string, dark: boolean): { readonly text: string; readonly width: number; readonly height: number } {
  const labelWidth = Math.round(Math.min(300, Math.max(140, Math.max(0, ...view.rows.map((r) => r.qomType.length)) * LABEL_CHAR + 24)));
  const x = scaleBand<string>().domain(view.columns.map((c) => c.key)).range([labelWidth, labelWidth + view.columns.length * CELL_W]).paddingInner(0.08);
  const y = scaleBand<string>().domain(view.rows.map((r) => r.qomType)).range([HEAD, HEAD + view.rows.length * CELL_H]).paddingInner(0.1);
  const width = labelWidth + view.columns.length * CELL_W + 8;
  const height = HEAD + view.rows.length * CELL_H + 8;
  const fg = dark ? '#e6e6e6' : '#1d1f23';
  const muted = dark ? '#a0a4ab' : '#5d6470';
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`);
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<defs><pattern id="opaque" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="none"/><line x1="0" y1="0" x2="0" y2="4" stroke="${dark ? '#000' : '#fff'}" stroke-width="1.4" stroke-opacity="0.55"/></pattern></defs>`);
  out.push(`<rect width="${width}" height="${height}" fill="${dark ? '#1b1d21' : '#ffffff'}"/>`);
  for (const g of view.groups) {
    const first = g.columns[0];
    const last = g.columns[g.columns.length - 1];
    if (first === undefined || last === undefined) continue;
    const x0 = x(first.key) ?? 0;
    const x1 = (x(last.key) ?? 0) + x.bandwidth();
    out.push(`<text x="${x0}" y="14" fill="${fg}" font-weight="bold">${esc(g.label)}</text>`);
    out.push(`<line x1="${x0}" x2="${x1}" y1="18" y2="18" stroke="${muted}"/>`);
  }
  for (const c of view.columns) {
    const cx = (x(c.key) ?? 0) + x.bandwidth() / 2;
    out.push(`<text x="${cx}" y="${HEAD - 6}" fill="${c.pair.direction === 'forward' ? fg : muted}" text-anchor="start" transform="rotate(-50 ${cx} ${HEAD - 6})">${esc(c.label)}</text>`);
  }
  for (const r of view.rows) {
    const ry = y(r.qomType) ?? 0;
    out.push(`<text x="${labelWidth - 6}" y="${ry + y.bandwidth() / 2}" fill="${fg}" text-anchor="end" dominant-baseline="central">${esc(r.qomType)}</text>`);
    for (const [col, cell] of view.cells.get(r.qomType) ?? []) {
      const cx = x(col);
      if (cx === undefined) continue;
      out.push(`<rect x="${cx}" y="${ry}" width="${x.bandwidth()}" height="${y.bandwidth()}" rx="2" fill="${cell.fill}"/>`);
      if (!cell.comparable) out.push(`<rect x="${cx}" y="${ry}" width="${x.bandwidth()}" height="${y.bandwidth()}" rx="2" fill="url(#opaque)"/>`);
      if (cell.count > 0) out.push(`<text x="${cx + x.bandwidth() / 2}" y="${ry + y.bandwidth() / 2}" fill="${cell.ink}" text-anchor="middle" dominant-baseline="central" font-size="9">${cell.count}</text>`);
    }
  }
  out.push('</svg>');
  return { text: out.join('\n'), width, height };
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
