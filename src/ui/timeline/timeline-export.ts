/**
 * The timeline as one picture: the lane labels (HTML on screen) drawn as SVG text beside the
 * axis and the lanes (already SVG), each part with its computed styles inlined, so that the
 * file looks like the screen in any viewer. And the lanes as data, for those who want numbers.
 */
import { createSvg, standaloneSvg, svgElement } from '../export/svg-standalone.ts';
import { LANE_H } from './lane-geometry.ts';
import { formatTime, type TimeWindow } from './time-scale.ts';
import type { TimelineLayout } from './timeline-layout.ts';

const TITLE_H = 26;
const PAD = 8;

/** A detached, standalone `<svg>` of what the timeline section shows, or undefined before it is drawn. */
export function timelineSvg(section: HTMLElement, title: string, fileName: string, win: TimeWindow, layout: TimelineLayout): SVGSVGElement | undefined {
  const axis = section.querySelector<SVGSVGElement>('svg.timeline-axis');
  const lanes = section.querySelector<SVGSVGElement>('svg.lanes-svg');
  const labelsBox = section.querySelector<HTMLElement>('.lane-labels');
  if (axis === null || lanes === null || labelsBox === null) return undefined;
  const labelW = labelsBox.getBoundingClientRect().width;
  const plotW = Number(lanes.getAttribute('width'));
  const axisH = Number(axis.getAttribute('height'));
  const lanesH = layout.lanes.length * LANE_H;
  const width = labelW + plotW;
  const height = TITLE_H + axisH + lanesH;

  const style = window.getComputedStyle(section);
  const fg = style.color;
  const bg = window.getComputedStyle(document.body).backgroundColor;
  const mono = window.getComputedStyle(labelsBox).fontFamily;
  const svg = createSvg(width, height);
  svg.append(svgElement('rect', { width: '100%', height: '100%', style: `fill:${bg}` }));
  const range = `${formatTime(win.start, layout.timeBase)} – ${formatTime(win.end, layout.timeBase)}`;
  svg.append(svgElement('text', { x: PAD, y: 17, style: `fill:${fg};font:600 12px ${style.fontFamily}` }, `${title} · ${fileName} · ${range}`));

  const place = (part: SVGSVGElement, x: number, y: number): void => {
    const copy = standaloneSvg(part);
    copy.setAttribute('x', String(x));
    copy.setAttribute('y', String(y));
    copy.removeAttribute('xmlns');
    svg.append(copy);
  };
  place(axis, labelW, TITLE_H);
  place(lanes, labelW, TITLE_H + axisH);

  // The labels, as the list shows them; the failed one in the failure colour.
  const labels = [...labelsBox.querySelectorAll<HTMLElement>('[role="option"]')];
  layout.lanes.forEach((lane, i) => {
    const el = labels[i]?.querySelector<HTMLElement>('.lane-name');
    const color = el !== undefined && el !== null ? window.getComputedStyle(el).color : fg;
    const inst = lane.kind === 'section' ? ` #${lane.instance ?? 0}` : '';
    const ver = lane.version !== undefined ? ` v${lane.version}` : '';
    svg.append(
      svgElement(
        'text',
        { x: PAD, y: TITLE_H + axisH + i * LANE_H + 16, style: `fill:${color};font:${lane.failure ? 600 : 400} 11px ${mono}` },
        `${lane.failure ? '✕ ' : ''}${lane.idstr}${inst}${ver}`,
      ),
    );
  });
  svg.append(svgElement('line', { x1: labelW - 0.5, x2: labelW - 0.5, y1: TITLE_H, y2: height, style: `stroke:${style.borderColor || fg};stroke-opacity:0.4` }));
  return svg;
}

/** The lanes as data: what each section did, when, and where in the log. */
export function timelineJson(layout: TimelineLayout, fileName: string): unknown {
  return {
    file: fileName,
    side: layout.side,
    timeBase: layout.timeBase === 'us' ? 'microseconds since the first event' : 'log line',
    origin: layout.origin,
    failure:
      layout.failure === undefined
        ? null
        : { message: layout.failure.message, line: layout.failure.line, at: layout.failure.at, path: layout.failure.path, lane: layout.failure.laneIndex ?? null },
    lanes: layout.lanes.map((l) => ({
      key: l.key,
      kind: l.kind,
      idstr: l.idstr,
      instance: l.instance ?? null,
      instanceInferred: l.instanceInferred,
      version: l.version ?? null,
      handler: l.handler ?? null,
      start: l.start,
      end: l.end,
      line: l.line,
      endLine: l.endLine,
      ok: l.ok,
      failure: l.failure,
      spans: l.spanCount,
    })),
  };
}
