/**
 * How the Hosts view knows the VM: from the active stream (exact), or from a source manifest
 * and a machine type, optionally with the VM's devices. Outside React state so that it
 * survives switching tabs.
 */
import { useSyncExternalStore } from 'react';

export interface VmInputs {
  readonly from: 'stream' | 'manifest';
  /** The VM's machine type without a stream; empty: the source manifest's. */
  readonly machine: string;
  /** Without a stream: the VM's devices, comma-separated (vmsd names or QOM types); empty: unknown. */
  readonly devices: string;
  /** The command line or domain XML whose assigned devices are the VM's: a file id, NO_ASSIGNED_FILE, or undefined for the first that assigns any. */
  readonly assignedFile: string | undefined;
}

export const NO_ASSIGNED_FILE = '\u0000none';

let inputs: VmInputs = { from: 'stream', machine: '', devices: '', assignedFile: undefined };
const listeners = new Set<() => void>();

export function setVmInputs(change: Partial<VmInputs>): void {
  inputs = { ...inputs, ...change };
  for (const l of [...listeners]) l();
}

export function useVmInputs(): VmInputs {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => inputs,
  );
}
