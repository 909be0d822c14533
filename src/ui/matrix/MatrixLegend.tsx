import type { ReactElement } from 'react';
import type { HeatMap } from './matrix-layout.ts';

export interface MatrixLegendProps {
  readonly legend: HeatMap['legend'];
}

/** What the colours mean, with the same fills the map uses. */
export function MatrixLegend({ legend }: MatrixLegendProps): ReactElement {
  return (
    <ul className="matrix-legend" aria-label="Legend">
      {legend.map((l) => (
        <li key={l.verdict}>
          <svg width="12" height="12" aria-hidden="true">
            <rect x="0.5" y="0.5" width="11" height="11" rx="2" fill={l.fill} className="legend-swatch" />
          </svg>
          {l.verdict === 'at-risk' ? 'at risk' : l.verdict}
        </li>
      ))}
    </ul>
  );
}
