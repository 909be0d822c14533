/** Paths of the real fixtures copied from shared/fixtures (see fixtures/README.md). */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = join(ROOT, 'fixtures');

export interface StreamFixture {
  /** e.g. "7.2/pc-i440fx-7.2-minimal" or "shapes/11.1/pc-q35-11.1-xbzrle" */
  readonly id: string;
  readonly path: string;
  readonly golden: string;
  /** analyze-migration.py outputs, where they exist */
  readonly oracleState?: string;
  readonly oracleDesc?: string;
}

export function streamFixtures(): StreamFixture[] {
  const out: StreamFixture[] = [];
  for (const ver of readdirSync(join(FIXTURES, 'streams')).sort()) {
    for (const f of readdirSync(join(FIXTURES, 'streams', ver)).sort()) {
      if (!f.endsWith('.mig.gz')) continue;
      const base = f.slice(0, -'.mig.gz'.length);
      out.push({
        id: `${ver}/${base}`,
        path: join(FIXTURES, 'streams', ver, f),
        golden: join(FIXTURES, 'streams', ver, `${base}.golden.json`),
        oracleState: join(FIXTURES, 'oracle', 'analyze', ver, `${base}.state.json.gz`),
        oracleDesc: join(FIXTURES, 'oracle', 'analyze', ver, `${base}.desc.json.gz`),
      });
    }
  }
  for (const group of ['aarch64/11.1', 'shapes/11.1']) out.push(...extraGroup(group));
  return out;
}

/**
 * The streams of Debian 7.2's other targets (ppc64, s390x, riscv64, arm), apart from
 * streamFixtures(): the tests of x86 and aarch64 facts (device placement, ...) do not cover them.
 * Where analyze-migration.py failed only its error is kept (`.state.err.gz`), and its `-d desc`
 * may still have worked.
 */
export function archStreamFixtures(): StreamFixture[] {
  return extraGroup('arch/7.2');
}

/** streamFixtures() and archStreamFixtures(): every real stream. */
export function allStreamFixtures(): StreamFixture[] {
  return [...streamFixtures(), ...archStreamFixtures()];
}

function extraGroup(group: string): StreamFixture[] {
  const out: StreamFixture[] = [];
  const dir = join(FIXTURES, 'streams-extra', group);
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.mig.gz')) continue;
    const base = f.slice(0, -'.mig.gz'.length);
    const state = join(dir, `${base}.state.json.gz`);
    const desc = join(dir, `${base}.desc.json.gz`);
    out.push({
      id: `${group}/${base}`,
      path: join(dir, f),
      golden: join(dir, `${base}.golden.json`),
      ...(existsSync(state) ? { oracleState: state } : {}),
      ...(existsSync(desc) ? { oracleDesc: desc } : {}),
    });
  }
  return out;
}

export function readGunzipped(path: string): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(path)));
}

export function readJsonGz(path: string): unknown {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
}

export interface DerivedStream {
  readonly file: string;
  readonly from: string;
  readonly recipe: string;
  readonly patches?: readonly (readonly [number, string])[];
  readonly sha256: string;
}

/**
 * Rebuilds a truncated or byte-flipped stream from its recipe in a derived-streams.json: the
 * shared one (loads/mismatch/), or migscope's own cuts inside an 11.1 vmdesc
 * (streams-extra/shapes/11.1/derived-streams.json).
 */
export function derivedStreams(recipesFile = join('loads', 'mismatch', 'derived-streams.json')): { recipe: DerivedStream; bytes: () => Uint8Array }[] {
  const recipes = JSON.parse(readFileSync(join(FIXTURES, recipesFile), 'utf8')) as DerivedStream[];
  return recipes.map((recipe) => ({
    recipe,
    bytes: () => {
      let b = readGunzipped(join(FIXTURES, `${recipe.from}.gz`));
      const m = /head -c (\d+)/.exec(recipe.recipe);
      if (m !== null) b = b.slice(0, Number(m[1]));
      else b = b.slice();
      for (const [off, hexText] of recipe.patches ?? []) {
        for (let i = 0; i < hexText.length / 2; i++) b[off + i] = parseInt(hexText.slice(2 * i, 2 * i + 2), 16);
      }
      return b;
    },
  }));
}
