/**
 * A destination log that names a runtime check's failure (`VQ 0 vring.num 1024 exceeds
 * allocated max 256`, `Invalid value 274 expecting positive value <= 258`, the registers 11.1
 * names, a silent Arm `cpu` failure, an assertion while loading a pointer subsection) gets the
 * same story prediction tells, from the log's own numbers where the destination's inputs are
 * missing. The caller keeps the log's lines as QEMU's message.
 */
import type { ArmCpreg } from '../../format/index.ts';
import type { ExplainFailure } from '../explain/model.ts';
import { cpregFailureFromLog } from './arm-cpregs.ts';
import type { RuntimeDestination, RuntimeSection } from './context.ts';
import { pointerCrashFromLog } from './subsection-state.ts';
import { checkVirtioFeatures } from './virtio-features.ts';
import { ringFailureFromLog } from './virtio-rings.ts';

const RING = /VQ (\d+) vring\.num (\d+) exceeds allocated max (\d+)/;
const FEATURES = /^Features 0x[0-9a-f]+ unsupported\. Allowed features: 0x[0-9a-f]+/;

export function runtimeFailureFromLog(section: RuntimeSection, dest: RuntimeDestination, lines: readonly string[], namedRegisters: readonly ArmCpreg[]): ExplainFailure | undefined {
  const ring = lines.map((l) => RING.exec(l)).find((m) => m !== null);
  if (ring !== undefined && ring !== null) {
    // The message exists only from 11.1: a destination that printed it is 11.1 or later.
    const version = dest.version ?? { major: 11, minor: 1 };
    const f = ringFailureFromLog(section, { ...dest, version }, Number(ring[1]), Number(ring[3]));
    return f !== undefined ? { ...f, message: lines.join('\n') } : undefined;
  }
  if (lines.some((l) => FEATURES.test(l))) {
    // The destination refused guest features: its host features, computed from what is known
    // of it, name the bits (without a command line the check may only be at risk: then the
    // generic story stands).
    const f = checkVirtioFeatures(section, dest);
    return f?.verdict === 'fails' ? { ...f.failure, message: lines.join('\n') } : undefined;
  }
  return pointerCrashFromLog(section, dest, lines) ?? cpregFailureFromLog(section, dest, lines, namedRegisters);
}
