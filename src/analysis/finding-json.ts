/** A finding as JSON, one shape for `migscope check|matrix|hosts --json` and the dashboard's exports. */
import type { JudgeFinding, RuntimeCheckDetail } from './verdict.ts';

export interface FindingJson {
  readonly device: string;
  readonly qomTypes: readonly string[];
  readonly path: string;
  readonly kind: string;
  readonly verdict: string;
  readonly reason: string;
  readonly sourceVersion?: number | undefined;
  readonly destVersion?: number | undefined;
  readonly sourceNode?: string | undefined;
  readonly destNode?: string | undefined;
  /** For `runtime-check` findings: the check, QEMU's message, the section, field and byte offset. */
  readonly runtime?: RuntimeCheckDetail | undefined;
}

export function findingJson(f: JudgeFinding): FindingJson {
  return {
    device: f.device,
    qomTypes: f.qomTypes,
    path: f.path,
    kind: f.kind,
    verdict: f.verdict,
    reason: f.reason,
    sourceVersion: f.sourceVersion,
    destVersion: f.destVersion,
    sourceNode: f.sourceNode,
    destNode: f.destNode,
    runtime: f.runtime,
  };
}
