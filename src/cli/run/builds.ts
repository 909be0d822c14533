/**
 * A QEMU build as `migscope run` drives it: a binary, optionally behind a prefix command (`chroot
 * /work/roots/trixie`, a container's `exec`), as fixtures/README.md runs the other releases.
 * What the run needs to know of it is asked of the build itself, never assumed: its release
 * (`-version`), its machine types (`-machine help`), its trace events (`-trace help`) and a
 * device's properties (`-device NAME,help`). Each question is one short, bounded QEMU process.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMachineCatalog, type MachineCatalog } from '../../analysis/explain/machines-list.ts';
import { shellSplit } from '../../analysis/explain/qemu-cmdline.ts';
import { majorMinor } from '../../analysis/release-label.ts';
import { parseDevicePropertiesHelp, type DeviceProperty } from '../../manifest/device-properties.ts';
import { runToEnd, type QemuBuild } from './qemu-process.ts';

/** How a build is written on the command line or in a config file, before it is asked anything. */
export interface BuildCommand {
  /** The label given (`10.0=...`), if any; else the build's release names it. */
  readonly label: string | undefined;
  readonly prefix: readonly string[];
  readonly binary: string;
  /** Arguments after the binary, before the VM's own (`-L DIR`). */
  readonly extraArgs: readonly string[];
  /** As written, for messages. */
  readonly text: string;
}

/** A probed build: what runs it and what it said about itself. */
export interface RunBuild {
  readonly label: string;
  readonly command: BuildCommand;
  /** `QEMU emulator version 10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)` */
  readonly versionLine: string;
  /** `10.0.13` */
  readonly version: string;
  readonly machines: MachineCatalog;
  /** Trace event names (`-trace help`). */
  readonly traceEvents: ReadonlySet<string>;
  /** For {@link startQemu}: the prefix and the release. */
  readonly process: QemuBuild;
}

const QEMU_PROGRAM = /(?:^|\/)(?:qemu-system-[\w.-]+|qemu-kvm)$/;
const LABEL = /^([\w.+-]+)=(.+)$/s;

/**
 * `[LABEL=]PREFIX... BINARY [ARGS...]`: the binary is the first word that names a QEMU system
 * emulator; a site's wrapper with another name is the last word. Undefined for an empty text.
 */
export function parseBuildCommand(text: string): BuildCommand | undefined {
  const labelled = LABEL.exec(text.trim());
  // `virtio-net-pci,x=1`-like words never come first here; a label has no space or slash.
  const label = labelled?.[1];
  const words = shellSplit(labelled?.[2] ?? text.trim());
  if (words.length === 0) return undefined;
  let at = words.findIndex((w) => QEMU_PROGRAM.test(w));
  if (at < 0) at = words.length - 1;
  return { label, prefix: words.slice(0, at), binary: words[at] as string, extraArgs: words.slice(at + 1), text: text.trim() };
}

export type ProbeResult = { readonly ok: true; readonly build: RunBuild } | { readonly ok: false; readonly message: string };

/**
 * Asks the build its release, machine types and trace events. `scratch` is a folder for the
 * probes' output (removed by the caller). Fails with QEMU's own words when the build does not run.
 */
export async function probeBuild(command: BuildCommand, scratch: string, timeoutMs: number): Promise<ProbeResult> {
  const proc: QemuBuild = { version: command.label ?? '?', prefix: command.prefix };
  const out = join(scratch, 'probe.txt');
  const ask = async (args: readonly string[]): Promise<{ ok: boolean; output: string }> => {
    try {
      const r = await runToEnd(proc, command.binary, [...command.extraArgs, ...args], out, timeoutMs);
      return { ok: !r.timedOut && r.exit?.code === 0, output: r.output };
    } catch (e) {
      return { ok: false, output: e instanceof Error ? e.message : String(e) };
    } finally {
      rmSync(out, { force: true });
    }
  };
  const version = await ask(['-version']);
  const line = version.output.split('\n').find((l) => /QEMU emulator version/.test(l));
  const number = /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(line ?? '')?.[1];
  if (!version.ok || line === undefined || number === undefined) {
    return { ok: false, message: `${command.text}: does not run as QEMU (-version said: ${firstLine(version.output) || 'nothing'})` };
  }
  const machineHelp = await ask(['-machine', 'help']);
  const machines = parseMachineCatalog(machineHelp.output, `${command.text} -machine help`);
  if (!machineHelp.ok || !machines.ok) return { ok: false, message: `${command.text}: -machine help gave no machine types (${firstLine(machineHelp.output) || 'no output'})` };
  const traceEvents = traceEventNames((await ask(['-trace', 'help'])).output);
  const label = command.label ?? majorMinor(number);
  return {
    ok: true,
    build: { label, command, versionLine: line.trim(), version: number, machines: machines.value, traceEvents, process: { version: label, prefix: command.prefix } },
  };
}

/** The event names of `-trace help` (one a line, after a header line). */
export function traceEventNames(output: string): Set<string> {
  return new Set(
    output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[a-z0-9_]+$/.test(l)),
  );
}

/** `-device NAME,help` of one build: the device's properties, or undefined when it has no such device. */
export async function deviceProperties(build: RunBuild, driver: string, scratch: string, timeoutMs: number): Promise<ReadonlyMap<string, DeviceProperty> | undefined> {
  const out = join(scratch, 'device-help.txt');
  try {
    const r = await runToEnd(build.process, build.command.binary, [...build.command.extraArgs, '-device', `${driver},help`], out, timeoutMs);
    if (r.timedOut || r.exit?.code !== 0) return undefined;
    return parseDevicePropertiesHelp(r.output).devices.get(driver);
  } finally {
    rmSync(out, { force: true });
  }
}

/**
 * Whether the build sees `dir` at the same path (a chroot or container sees only what is
 * mounted into it): QEMU writes the stream there and reads it back. A build without a prefix
 * runs on this machine and sees it.
 */
export async function seesFolder(build: RunBuild, dir: string, timeoutMs: number): Promise<boolean> {
  if (build.command.prefix.length === 0) return true;
  const marker = join(dir, `.migscope-probe-${process.pid}`);
  writeFileSync(marker, '');
  try {
    const r = await runToEnd(build.process, 'test', ['-f', marker], join(dir, `.migscope-probe-${process.pid}.out`), timeoutMs);
    return !r.timedOut && r.exit?.code === 0;
  } catch {
    return false;
  } finally {
    rmSync(marker, { force: true });
    rmSync(join(dir, `.migscope-probe-${process.pid}.out`), { force: true });
  }
}

/**
 * Trace events for one side, as fixtures/README.md's runs have them. Without `perElement` the
 * per-element and per-queue events are off, as in its virtio runs: with them a virtio device's
 * trace is megabytes of its 1024 virtqueues; section-level events and the `_bad` / `_fail` /
 * `_error` ones stay. Only events the build has are turned off (QEMU warns about others).
 */
export function traceArgs(build: Pick<RunBuild, 'traceEvents'>, side: 'save' | 'load', perElement = false): string[] {
  const on = side === 'save' ? ['vmstate_*', 'savevm_*', 'migration_*'] : ['qemu_loadvm_*', 'vmstate_load*', 'vmstate_subsection_load*'];
  if (perElement) return on.flatMap((e) => ['-trace', e]);
  const off =
    side === 'save'
      ? ['vmstate_save_state_loop', 'vmstate_n_elems', 'vmstate_save_state_top', 'vmstate_subsection_save_top', 'vmstate_save_state_pre_save_res', 'vmstate_save_state_pre_save_success', 'migration_transferred_bytes']
      : ['vmstate_load_state_field', 'vmstate_load_state', 'vmstate_load_state_end', 'vmstate_load_state_success', 'vmstate_subsection_load', 'vmstate_subsection_load_good'];
  return [...on.flatMap((e) => ['-trace', e]), ...off.filter((e) => build.traceEvents.has(e)).flatMap((e) => ['-trace', `-${e}`])];
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}
