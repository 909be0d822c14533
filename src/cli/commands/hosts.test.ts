import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { parseHostsArgs } from './hosts.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const V = `${FIXTURES}versions`;
const host = (name: string, version: string, machine: string, ...extra: string[]) =>
  ['--host', `${name}:${[`${V}/${version}/vmstate-${machine}.json.gz`, `${V}/${version}/qmp-query-machines.json`, ...extra].join(',')}`];

const run = runCli;

interface HostsJson {
  vm: { from: string; machineType: string };
  hosts: { host: string; decision: string; reasons: { kind: string; verdict: string; message: string }[] }[];
}

describe('migscope hosts', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'migscope-hosts-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a 7.2 host for an 11.1 pc-q35-11.1 stream and accepts an 11.1 host (exit 0)', async () => {
    const result = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, ...host('old', '7.2', 'pc-q35-7.2'), ...host('new', '11.1', 'pc-q35-11.1'), '--json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const h = JSON.parse(result.out) as HostsJson;
    expect(h.vm).toMatchObject({ from: 'stream', machineType: 'pc-q35-11.1' });
    expect(h.hosts.map((x) => `${x.host}:${x.decision}`)).toEqual(['old:reject', 'new:accept']);
    expect(h.hosts[0]?.reasons[0]?.kind).toBe('machine-type-missing');
  });

  it('exits 1 when every host rejects, and says why in text', async () => {
    const result = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, ...host('old', '7.2', 'pc-q35-7.2')]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^old: reject$/m);
    expect(result.out).toMatch(/^ {2}reject {2}old does not offer machine type pc-q35-11\.1/m);
  });

  it('works from a source manifest and machine type, with device models', async () => {
    const need = join(dir, 'need.json');
    const offer = join(dir, 'offer.json');
    writeFileSync(need, JSON.stringify([{ model: 'https://example.org/nic', versions: [{ name: '2' }] }]));
    writeFileSync(offer, JSON.stringify([{ model: 'https://example.org/nic', versions: [{ name: '2', params: ['mq'] }] }]));
    const result = await run([
      'hosts',
      '--src-manifest',
      `${V}/7.2/vmstate-pc-q35-7.2.json.gz`,
      '--machine',
      'pc-q35-7.2',
      '--models',
      need,
      ...host('with', '11.1', 'pc-q35-7.2', offer),
      ...host('without', '11.1', 'pc-q35-7.2'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const h = JSON.parse(result.out) as HostsJson;
    expect(h.hosts.map((x) => `${x.host}:${x.decision}`)).toEqual(['with:accept', 'without:reject']);
    expect(h.hosts[1]?.reasons.find((r) => r.verdict === 'breaks')?.kind).toBe('models-unchecked');
  });

  it('exits 2 on bad input with one line naming file and JSON path', async () => {
    const bad = join(dir, 'bad-models.json');
    writeFileSync(bad, '[{"model": "x", "params": "mq"}]');
    const result = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, ...host('h', '11.1', 'pc-q35-11.1', bad)]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(`error: ${bad}: $[0].params: expected an array, got a string\n`);
    const twice = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, '--host', `h:${V}/11.1/qmp-query-machines.json,${V}/7.2/qmp-query-machines.json`]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/already has a query-machines reply\n$/);
  });

  it.each([
    [[], 'give at least one --host'],
    [['--host', 'h:a'], 'give --stream, or --src-manifest with --machine'],
    [['--stream', 's', '--host', 'nofiles'], "--host takes NAME:FILE[,FILE...], got 'nofiles'"],
    [['--stream', 's', '--host', 'h:a', '--devices', 'nvme'], '--devices is for --src-manifest without --stream (a stream lists its devices)'],
    [['--stream', 's', '--host', 'h:a', '--bogus'], "unknown option '--bogus'"],
  ])('usage error for %j', async (args, message) => {
    expect(parseHostsArgs(args)).toBe(message);
    const result = await run(['hosts', ...args]);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(`error: hosts: ${message}`);
  });
});
