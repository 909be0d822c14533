/** A negotiation as JSON: one shape for `migscope negotiate --json` and the Negotiate view's export. */
import { findingJson } from './finding-json.ts';
import type { Negotiation } from './negotiation.ts';

export function negotiationJson(n: Negotiation): unknown {
  return {
    source: n.source,
    dest: n.dest,
    direction: n.direction,
    machine: n.machine,
    stream: n.stream,
    summary: n.summary,
    rows: n.rows.map((r) => ({
      device: r.device,
      section: r.section,
      sourceRange: r.sourceRange,
      destRange: r.destRange,
      sentToday: r.sentToday,
      today: r.today,
      common: r.common,
      negotiated: r.negotiated,
      outcome: r.outcome,
      breaksToday: r.breaksToday.map(findingJson),
      breaksNegotiated: r.breaksNegotiated.map(findingJson),
      subsections: r.subsections,
      pinnedBy: r.pinnedBy.map((l) => ({ build: l.build, driver: l.qomType, property: l.property, value: l.value })),
      inVm: r.inVm,
      whitelist: r.whitelist,
    })),
    compatProps: n.compatProps.map((l) => ({ build: l.build, driver: l.qomType, property: l.property, value: l.value, rows: l.rows })),
    notes: n.notes,
  };
}
