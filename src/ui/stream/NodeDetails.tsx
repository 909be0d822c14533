import type { ReactElement } from 'react';
import type { ByteExtent, DecodedNode } from '../../format/index.ts';
import { formatNodeValue, groupedInt, hexOffset } from './format-value.ts';

export interface NodeDetailsProps {
  readonly node: DecodedNode;
  /** From nodeRange: the same bytes every view gives this node. */
  readonly range: ByteExtent;
}

/** The selected node in full: the tree row truncates, this does not. */
export function NodeDetails({ node, range }: NodeDetailsProps): ReactElement {
  const value = formatNodeValue(node);
  return (
    <dl className="node-details" data-testid="node-details">
      <div>
        <dt>path</dt>
        <dd className="mono path">{node.path.length > 0 ? node.path.join(' › ') : '(stream)'}</dd>
      </div>
      <div>
        <dt>bytes</dt>
        <dd className="mono" data-testid="node-bytes" data-start={range.start} data-end={range.end}>
          {hexOffset(range.start)}–{hexOffset(range.end)} ({groupedInt(range.end - range.start)} bytes{range.cut ? `, cut: decoding stopped at ${hexOffset(range.end - 1)}` : ''})
        </dd>
      </div>
      <div>
        <dt>kind</dt>
        <dd className="mono">
          {node.kind}
          {node.type !== undefined ? ` · ${node.type}` : ''}
          {node.field !== undefined && node.field !== node.name ? ` · field ${node.field}` : ''}
        </dd>
      </div>
      {value.text !== '' ? (
        <div>
          <dt>value</dt>
          <dd className="mono">
            {value.text}
            {value.hex !== undefined ? ` = ${value.hex}` : ''}
          </dd>
        </div>
      ) : undefined}
      {node.note !== undefined && value.text !== node.note ? (
        <div>
          <dt>note</dt>
          <dd>{node.note}</dd>
        </div>
      ) : undefined}
    </dl>
  );
}
