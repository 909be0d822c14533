/**
 * Timings of the analysis layer on the real shared data: `check` on the largest manifests,
 * the version matrix of every machine type, and the tiers board of every version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { judgeManifests } from '../src/analysis/judge-findings.ts';
import { runStaticChecker } from '../src/analysis/static-checker.ts';
import { compatMatrix } from '../src/analysis/compat-matrix.ts';
import { machineTiers } from '../src/analysis/machine-tiers.ts';
import { parseDeviceHelp } from '../src/analysis/device-help.ts';
import { parseQueryMachines, parseVmstateManifest, type VmstateManifest } from '../src/manifest/index.ts';

const V = join(import.meta.dirname, '..', 'fixtures', 'versions');
const VERSIONS = ['5.2', '7.2', '11.1'];

function manifest(version: string, machine: string): VmstateManifest {
  const file = join(V, version, `vmstate-${machine}.json.gz`);
  const r = parseVmstateManifest(gunzipSync(readFileSync(file)).toString('utf8'), file);
  if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
  return r.value;
}

function best(fn: () => void, runs = 5): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

export function benchAnalysis(): string[] {
  const out: string[] = [];
  const src = join(V, '11.1', 'vmstate-pc-q35-11.1.json.gz');
  const dst = join(V, '7.2', 'vmstate-pc-q35-7.2.json.gz');
  const srcText = gunzipSync(readFileSync(src)).toString('utf8');
  const dstText = gunzipSync(readFileSync(dst)).toString('utf8');
  const parse = best(() => {
    parseVmstateManifest(srcText, src);
    parseVmstateManifest(dstText, dst);
  });
  const a = manifest('11.1', 'pc-q35-11.1');
  const b = manifest('7.2', 'pc-q35-7.2');
  const judge = best(() => judgeManifests(a, b));
  const script = best(() => runStaticChecker(a, b));
  out.push(
    `check 11.1 → 7.2 pc-q35 (manifests ${(srcText.length / 1e6).toFixed(2)} and ${(dstText.length / 1e6).toFixed(2)} MB): parse both ${parse.toFixed(1)} ms, judge ${judge.toFixed(1)} ms, static-checker port ${script.toFixed(1)} ms → total ${(parse + judge).toFixed(1)} ms`,
  );
  for (const machine of ['pc-i440fx-5.2', 'pc-q35-5.2', 'pc-i440fx-7.2', 'pc-q35-7.2']) {
    const inputs = VERSIONS.filter((v) => !(v === '5.2' && machine.endsWith('7.2'))).map((version) => ({ version, manifest: manifest(version, machine) }));
    const ms = best(() => {
      const m = compatMatrix(inputs, [], [], { machine });
      if (!m.ok) throw new Error(m.error.message);
    }, 3);
    out.push(`matrix ${machine} (${inputs.map((i) => i.version).join(', ')}): ${ms.toFixed(1)} ms`);
  }
  const tierInputs = VERSIONS.map((version) => {
    const qm = parseQueryMachines(readFileSync(join(V, version, 'qmp-query-machines.json'), 'utf8'), 'qmp');
    if (!qm.ok) throw new Error(qm.error.message);
    return { version, machines: qm.value, manifest: manifest(version, version === '5.2' ? 'pc-q35-5.2' : version === '7.2' ? 'pc-q35-7.2' : 'pc-q35-11.1'), devices: parseDeviceHelp(readFileSync(join(V, version, 'devices.txt'), 'utf8')) };
  });
  const tiers = best(() => machineTiers(tierInputs), 3);
  out.push(`tiers (5.2, 7.2, 11.1 with manifests and -device help): ${tiers.toFixed(1)} ms`);
  return out;
}
