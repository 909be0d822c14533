/**
 * Runs a plan: for each machine type and configuration, the source saves a stopped VM (`-S`:
 * the guest never runs, so nothing but QEMU itself sets the device state; or, asked to, after
 * its firmware ran for a while) and the other build
 * loads it, both directions. One process at a time, each bounded in time and stopped by its
 * pid (vm-run.ts). Every file lands in one flat folder, so the dashboard gets them all in one
 * drop; results.csv is rewritten after each load, so an interrupted run leaves a valid file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runResultsCsv, type RunResult } from '../../analysis/run-results.ts';
import { traceArgs, type RunBuild } from './builds.ts';
import { fileSafe, type Configuration } from './plan.ts';
import { firstErrorLine, loadVm, saveVm, type LoadResult, type SaveResult, type VmSpec } from './vm-run.ts';

export interface RunRequest {
  /** The source first; the same build twice runs one direction only. */
  readonly builds: readonly [RunBuild, RunBuild];
  readonly machines: readonly string[];
  readonly configs: readonly Configuration[];
  readonly outDir: string;
  /** Sockets and pid files; seen by every build at the same path, like outDir. */
  readonly scratchDir: string;
  /** After the configuration: `-accel tcg -display none -m 64M -msg timestamp=on` and extras. */
  readonly commonArgs: readonly string[];
  readonly timeoutMs: number;
  /**
   * 0: the source is saved stopped (`-S`), so only QEMU has set its devices' state. Otherwise
   * its guest runs that long first (firmware sets up what it boots from), as fixtures/README.md's
   * streams were made.
   */
  readonly bootMs: number;
  /** `x86_64`, from the binary's name. */
  readonly arch: string;
}

export interface RunProgress {
  /** Loads finished so far, of `total`. */
  readonly done: number;
  readonly total: number;
  readonly config: string;
  readonly machine: string;
  readonly source: string;
  readonly dest: string;
  readonly phase: 'save' | 'load';
}

/** A load with what it took. */
export interface RunRecord {
  readonly result: RunResult;
  /** The configuration's devices. */
  readonly devices: readonly string[];
  readonly saveMs: number | undefined;
  readonly loadMs: number | undefined;
  /** The destination's argv as run, prefix included. */
  readonly destArgv: readonly string[] | undefined;
  /** Why the run could not be made (a save that did not complete). */
  readonly note: string | undefined;
}

export const RESULTS_FILE = 'results.csv';

export function directions(builds: readonly [RunBuild, RunBuild]): [RunBuild, RunBuild][] {
  const [a, b] = builds;
  return a.command.text === b.command.text ? [[a, a]] : [
    [a, b],
    [b, a],
  ];
}

export function loadCount(req: Pick<RunRequest, 'builds' | 'machines' | 'configs'>): number {
  return req.machines.length * req.configs.length * directions(req.builds).length;
}

export async function runPlan(req: RunRequest, onProgress: (p: RunProgress) => void, onRecord: (r: RunRecord) => Promise<void> | void): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const total = loadCount(req);
  const pairs = directions(req.builds);
  for (const machine of req.machines) {
    for (const config of req.configs) {
      // One save per source build, made when its first load needs it.
      const saves = new Map<string, SaveResult>();
      for (const [src, dst] of pairs) {
        const at = { done: records.length, total, config: config.name, machine, source: src.label, dest: dst.label };
        let save = saves.get(src.label);
        if (save === undefined) {
          onProgress({ ...at, phase: 'save' });
          save = await saveVm({
            vm: vmSpec(src, machine, config, req.bootMs > 0 ? req.commonArgs : [...req.commonArgs, '-S']),
            outDir: req.outDir,
            scratchDir: req.scratchDir,
            name: `${fileSafe(src.label)}__${machine}__${config.slug}`,
            traceArgs: traceArgs(src, 'save'),
            settleMs: req.bootMs,
            timeoutMs: req.timeoutMs,
            qtree: false,
          });
          saves.set(src.label, save);
        }
        onProgress({ ...at, phase: 'load' });
        const record = save.ok ? await load(req, src, dst, machine, config, save) : notRun(req, src, dst, machine, config, save);
        records.push(record);
        writeFileSync(join(req.outDir, RESULTS_FILE), runResultsCsv(records.map((r) => r.result)));
        await onRecord(record);
      }
    }
  }
  return records;
}

function vmSpec(build: RunBuild, machine: string, config: Configuration, common: readonly string[]): VmSpec {
  return { build: build.process, binary: build.command.binary, machine, deviceArgs: config.args, commonArgs: [...build.command.extraArgs, ...common] };
}

async function load(req: RunRequest, src: RunBuild, dst: RunBuild, machine: string, config: Configuration, save: SaveResult): Promise<RunRecord> {
  const r: LoadResult = await loadVm({
    vm: vmSpec(dst, machine, config, req.commonArgs),
    stream: save.streamFile,
    outDir: req.outDir,
    scratchDir: req.scratchDir,
    name: `${fileSafe(src.label)}__${fileSafe(dst.label)}__${machine}__${config.slug}`,
    traceArgs: traceArgs(dst, 'load'),
    timeoutMs: req.timeoutMs,
  });
  return {
    result: {
      ...rowKey(src, dst, machine, config),
      outcome: r.outcome === 'NOT-RUN' ? 'FAILED' : r.outcome,
      exitCode: r.signal ?? (r.exitCode !== null ? String(r.exitCode) : ''),
      firstError: r.firstErrorLine,
      arch: req.arch,
      streamFile: basename(save.streamFile),
      logFile: basename(r.logFile),
      srcCmdlineFile: basename(save.files.cmd),
      dstCmdlineFile: basename(r.cmdFile),
      saveTraceFile: existsSync(save.files.saveTrace) ? basename(save.files.saveTrace) : '',
    },
    devices: config.devices,
    saveMs: save.wallMs,
    loadMs: r.wallMs,
    destArgv: r.argv,
    note: r.note,
  };
}

const rowKey = (src: RunBuild, dst: RunBuild, machine: string, config: Configuration): Pick<RunResult, 'source' | 'dest' | 'machine' | 'config'> => ({
  source: src.label,
  dest: dst.label,
  machine,
  config: config.name,
});

/** The source did not save: no load was tried; the row carries the source's own error. */
function notRun(req: RunRequest, src: RunBuild, dst: RunBuild, machine: string, config: Configuration, save: SaveResult): RunRecord {
  const stderr = save.files.stderr !== null && existsSync(save.files.stderr) ? readFileSync(save.files.stderr, 'utf8') : '';
  const why = firstErrorLine(stderr, true) || `the save ended ${save.status}${save.error !== undefined ? ` (${save.error})` : ''}`;
  return {
    result: {
      ...rowKey(src, dst, machine, config),
      outcome: 'NOT-RUN',
      exitCode: '',
      firstError: why,
      arch: req.arch,
      streamFile: '',
      logFile: '',
      srcCmdlineFile: basename(save.files.cmd),
      dstCmdlineFile: '',
      saveTraceFile: '',
    },
    devices: config.devices,
    saveMs: save.wallMs,
    loadMs: undefined,
    destArgv: undefined,
    note: `${src.label} could not save this configuration: ${why}`,
  };
}
