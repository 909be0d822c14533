import { describe, expect, it } from 'vitest';
import { readJsonGz, streamFixtures } from '../test-support/fixtures.ts';
import { salvageVmdesc } from './salvage.ts';

describe('salvaging a cut vmdesc', () => {
  it('keeps exactly the device entries that are whole, whatever their strings hold', () => {
    const json = JSON.stringify({
      configuration: { vmsd_name: 'configuration', fields: [{ name: 'name', type: 'buffer', size: 3 }] },
      page_size: 4096,
      devices: [
        { name: 'a{"b', instance_id: 0, fields: [{ name: 'x]}', type: 'uint8', size: 1 }] },
        { name: 'c\\"', instance_id: 1, fields: [] },
        { name: 'd', instance_id: 0, fields: [{ name: 'y', type: 'uint8', size: 1 }] },
      ],
    });
    const devices = (JSON.parse(json) as { devices: unknown[] }).devices;
    // Where each entry's closing brace is in the text.
    const ends = devices.map((d) => json.indexOf(JSON.stringify(d)) + JSON.stringify(d).length);
    for (let cut = 0; cut <= json.length; cut++) {
      const whole = devices.filter((_, i) => (ends[i] as number) <= cut);
      const s = salvageVmdesc(json.slice(0, cut));
      if (whole.length === 0) expect(s).toBeUndefined();
      else expect(s?.json.devices).toEqual(whole);
    }
  });

  it('every prefix of a real 5.2 and 11.1 vmdesc gives a prefix of its devices', () => {
    for (const id of ['5.2/pc-i440fx-5.2-minimal', 'shapes/11.1/pc-q35-11.1-xbzrle']) {
      const f = streamFixtures().find((x) => x.id === id)!;
      const desc = readJsonGz(f.oracleDesc!) as { page_size: number; devices: unknown[] };
      const text = JSON.stringify(desc, null, id.startsWith('5.2') ? 1 : 0);
      let last = 0;
      for (let cut = 0; cut <= text.length; cut += 97) {
        const got = salvageVmdesc(text.slice(0, cut))?.json.devices ?? [];
        expect(got).toEqual(desc.devices.slice(0, got.length));
        expect(got.length).toBeGreaterThanOrEqual(last);
        last = got.length;
      }
      expect(salvageVmdesc(text)?.json).toMatchObject({ page_size: desc.page_size, devices: desc.devices });
    }
  });
});
