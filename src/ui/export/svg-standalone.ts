/**
 * A chart drawn by React is styled by the page's CSS (classes, custom properties, the colour
 * scheme); saved on its own it would lose all of it. These copy the computed values of the
 * properties SVG painting uses into each element's style attribute, so that the file looks
 * the same in any viewer, and without the page.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

/** What SVG rendering reads from CSS; layout properties of HTML do not matter here. */
const PAINT_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linejoin',
  'stroke-linecap',
  'paint-order',
  'opacity',
  'visibility',
  'display',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'letter-spacing',
] as const;

/** Copies computed paint properties of `source` and its descendants onto the same-shaped `target`. */
export function inlineComputedStyles(source: Element, target: Element): void {
  const sources = [source, ...source.querySelectorAll('*')];
  const targets = [target, ...target.querySelectorAll('*')];
  sources.forEach((src, i) => {
    const dst = targets[i];
    if (dst === undefined || !(dst instanceof SVGElement)) return;
    const computed = window.getComputedStyle(src);
    const declarations: string[] = [];
    for (const prop of PAINT_PROPERTIES) {
      const value = computed.getPropertyValue(prop);
      if (value !== '') declarations.push(`${prop}:${value}`);
    }
    dst.setAttribute('style', declarations.join(';'));
    dst.removeAttribute('class');
  });
}

/** The first colour behind an element that is not transparent: what the chart was seen on. */
export function backgroundBehind(el: Element): string {
  for (let at: Element | null = el; at !== null; at = at.parentElement) {
    const bg = window.getComputedStyle(at).backgroundColor;
    if (bg !== '' && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

export function svgSize(svg: SVGSVGElement): { readonly width: number; readonly height: number } {
  const box = svg.isConnected ? svg.getBoundingClientRect() : undefined;
  const attr = (name: string): number => Number.parseFloat(svg.getAttribute(name) ?? '') || 0;
  return { width: Math.ceil(attr('width') || box?.width || 0), height: Math.ceil(attr('height') || box?.height || 0) };
}

/**
 * A detached copy of a rendered `<svg>` that stands alone: styles inlined, explicit size and
 * viewBox, the page background painted behind it. An svg that is not in the document is taken
 * as already standalone (built by the caller, e.g. from several standalone parts).
 */
export function standaloneSvg(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  if (!svg.isConnected) return copy;
  inlineComputedStyles(svg, copy);
  const { width, height } = svgSize(svg);
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.removeAttribute('aria-hidden');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('style', `fill:${backgroundBehind(svg)}`);
  copy.insertBefore(bg, copy.firstChild);
  return copy;
}

/** The text of an .svg file. */
export function svgFileText(svg: SVGSVGElement): string {
  const doc = standaloneSvg(svg);
  if (!doc.hasAttribute('xmlns')) doc.setAttribute('xmlns', SVG_NS);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`;
}

/** A new, detached `<svg>` of the given size, for composing standalone parts into one picture. */
export function createSvg(width: number, height: number): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(Math.ceil(width)));
  svg.setAttribute('height', String(Math.ceil(height)));
  svg.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  return svg;
}

export function svgElement<K extends keyof SVGElementTagNameMap>(name: K, attrs: Readonly<Record<string, string | number>>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  // textContent, never markup: labels come from files.
  if (text !== undefined) el.textContent = text;
  return el;
}
