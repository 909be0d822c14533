import type { ReactElement } from 'react';
import type { DecodeResult } from '../../format/index.ts';
import { Fact } from './Fact.tsx';
import { groupedInt, humanBytes } from './format-value.ts';

export interface StreamHeaderProps {
  readonly result: DecodeResult;
}

const CONTAINER_LABEL: Record<DecodeResult['source']['container'], string> = {
  raw: 'raw',
  gzip: 'gzip',
  libvirt: 'libvirt save',
  'libvirt+gzip': 'libvirt save (gzip)',
};

/** The facts of the stream at a glance, one strip. */
export function StreamHeader({ result }: StreamHeaderProps): ReactElement {
  const { source, ram, configuration, vmdesc } = result;
  const pageSize = ram?.pageSize ?? vmdesc?.json.page_size;
  // The section decoding stopped in has a node but no SectionRecord.
  const cutSection = result.root.children?.some((c) => c.kind === 'section' && c.end === undefined) === true;
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  return (
    <section className="stream-header" aria-label="Stream summary" data-testid="stream-header">
      <Fact label="file" wide>
        <span className="file-name" title={source.name} data-testid="file-name">
          {source.name}
        </span>
      </Fact>
      <Fact label="container">
        {CONTAINER_LABEL[source.container]}
        {source.container !== 'raw' ? <span className="sub">{humanBytes(source.fileSize)}</span> : undefined}
      </Fact>
      <Fact label="stream">
        <span title={`${groupedInt(source.size)} bytes`}>{humanBytes(source.size)}</span>
      </Fact>
      <Fact label="machine">
        <span data-testid="machine-type">{configuration?.machineType ?? '—'}</span>
      </Fact>
      <Fact label="page size">{pageSize !== undefined ? humanBytes(pageSize) : '—'}</Fact>
      <Fact label="RAM">
        {ram !== undefined ? (
          <>
            {humanBytes(ram.totalBytes)}
            <span className="sub">
              {groupedInt(ram.normalPages)} normal · {groupedInt(ram.zeroPages)} zero
            </span>
          </>
        ) : (
          '—'
        )}
      </Fact>
      <Fact label="sections">
        {groupedInt(result.sections.length)}
        {cutSection ? <span className="sub warn-text">+1 cut</span> : undefined}
      </Fact>
      <Fact label="vmdesc">
        {vmdesc !== undefined ? (
          <>
            {groupedInt(vmdesc.json.devices.length)} devices
          </>
        ) : (
          <span className="warn-text">absent</span>
        )}
      </Fact>
      <Fact label="diagnostics">
        {result.diagnostics.length}
        {warnings > 0 ? <span className="sub warn-text">{warnings} warn</span> : undefined}
      </Fact>
      <Fact label="status">
        {result.error !== undefined ? (
          <span className="status bad">stopped: {result.error.code}</span>
        ) : result.complete ? (
          <span className="status good">complete</span>
        ) : (
          <span className="status">partial</span>
        )}
      </Fact>
    </section>
  );
}
