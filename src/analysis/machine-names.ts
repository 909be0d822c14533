/**
 * Machine type names: versioned ones (`pc-q35-7.2`, `pc-i440fx-5.2`, `pc-1.3`, `virt-11.1`,
 * `pc-q35-4.0.1`) carry compat properties that keep their hardware and migration stream stable
 * across QEMU releases; the rest (`microvm`, `isapc`, `none`, and aliases such as `pc`, `q35`
 * that resolve to the newest versioned type) promise nothing across releases.
 */

export interface MachineName {
  readonly name: string;
  /** The name without its version: `pc-q35`; the whole name when unversioned. */
  readonly family: string;
  /** `7.2`, `4.0.1`; undefined when unversioned. */
  readonly version: string | undefined;
}

const VERSIONED = /^(.+)-(\d+\.\d+(?:\.\d+)?)$/;

export function parseMachineName(name: string): MachineName {
  const m = VERSIONED.exec(name);
  if (m === null || m[1] === undefined || m[2] === undefined) return { name, family: name, version: undefined };
  return { name, family: m[1], version: m[2] };
}

/** Numeric comparison of dotted versions (`5.2` < `7.2` < `11.1`); non-numeric parts sort by text. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? '0';
    const q = y[i] ?? '0';
    const np = Number(p);
    const nq = Number(q);
    if (Number.isFinite(np) && Number.isFinite(nq)) {
      if (np !== nq) return np - nq;
    } else if (p !== q) {
      return p < q ? -1 : 1;
    }
  }
  return 0;
}

/** Looks like a QEMU release (`5.2`, `11.1`, `10.0.13`). */
export function isVersionLabel(text: string): boolean {
  return /^\d+\.\d+(?:\.\d+)?$/.test(text);
}
