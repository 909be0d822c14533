import type { TraceUnread } from './model.ts';

/** One sentence on what a log had that no QEMU log has, for the CLI and the Timeline alike. */
export function describeUnread(u: TraceUnread): string {
  const s = u.count === 1 ? '' : 's';
  const what =
    u.what === 'long-lines'
      ? `line${s} longer than ${u.limit} characters`
      : u.what === 'deep-nesting'
        ? `vmsd${s} nested deeper than ${u.limit}`
        : u.what === 'many-sections'
          ? `section${s} after the first ${u.limit}`
          : u.what === 'many-children'
            ? `span${s} inside one span after its first ${u.limit}`
            : `downtime line${s} after the first ${u.limit}`;
  return `not read: ${u.count} ${what} (first at line ${u.firstLine}); no QEMU log has such, so the file is damaged or not a QEMU log`;
}
