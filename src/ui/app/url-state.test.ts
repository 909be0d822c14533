import { describe, expect, it } from 'vitest';
import { decodeUrlState, encodeUrlState, parseUrlOffset, type UrlState } from './url-state.ts';

describe('url state', () => {
  it('round-trips everything a link carries', () => {
    const state: UrlState = {
      sample: 'e-7.2-footer',
      file: '7.2__pc-i440fx-7.2-default.flip-footer.mig.gz',
      view: 'stream',
      path: ['fw_cfg#0', 'fw_cfg/dma', 'dma_addr'],
      offset: 0x9bf00,
      matrixCell: { row: 'fw_cfg', col: '7.2 → 11.1' },
      matrixLayout: 'machine',
      tourStep: 3,
    };
    const hash = encodeUrlState(state);
    expect(hash).toBe(
      '#sample=e-7.2-footer&file=7.2__pc-i440fx-7.2-default.flip-footer.mig.gz&view=stream&sec=fw_cfg%230&field=fw_cfg%2Fdma%20%E2%80%BA%20dma_addr&at=0x9bf00&mlayout=machine&mrow=fw_cfg&mcol=7.2%20%E2%86%92%2011.1&tour=4',
    );
    expect(decodeUrlState(hash)).toEqual(state);
  });

  it('the Explain view’s destination: typed values, files by name, none on purpose', () => {
    const state: UrlState = {
      sample: 'virtio-10.0-to-11.1',
      view: 'explain',
      destination: { machine: 'pc-q35-10.0', version: '11.1', cmdline: { name: 'pc-q35-10.0-virtio.cmd' }, manifest: 'none', sample: { name: '11.1__pc-q35-10.0-virtio.mig.gz' } },
    };
    const hash = encodeUrlState(state);
    expect(hash).toBe('#sample=virtio-10.0-to-11.1&view=explain&dmachine=pc-q35-10.0&drelease=11.1&dmanifest=-&dcmd=pc-q35-10.0-virtio.cmd&dsample=11.1__pc-q35-10.0-virtio.mig.gz');
    expect(decodeUrlState(hash)).toEqual(state);
    expect(decodeUrlState('#dsample=%00x&dmachine=')).toEqual({});
  });

  it('a matrix cell from before the board names a heat map cell; the board is the default layout', () => {
    expect(decodeUrlState('#view=matrix&mrow=nvme&mcol=7.2-%3E11.1').matrixLayout).toBe('machine');
    expect(decodeUrlState('#view=matrix&mlayout=pivot&mrow=pc-q35-10.0&mcol=10.0-%3E11.1').matrixLayout).toBe('pivot');
    expect(decodeUrlState('#view=matrix').matrixLayout).toBeUndefined();
    expect(encodeUrlState({ view: 'matrix', matrixLayout: 'board' })).toBe('#view=matrix');
    expect(encodeUrlState({ view: 'matrix', matrixLayout: 'board', matrixCell: { row: 'isa-vga', col: 'pc-q35-10.0@10.0->11.1' } })).toBe('#view=matrix&mlayout=board&mrow=isa-vga&mcol=pc-q35-10.0%4010.0-%3E11.1');
  });

  it('a sample alone is the short link the gallery always wrote', () => {
    expect(encodeUrlState({ sample: 'pc-q35-11.1-minimal.mig.gz' })).toBe('#sample=pc-q35-11.1-minimal.mig.gz');
    expect(decodeUrlState('#sample=pc-q35-11.1-minimal.mig.gz')).toEqual({ sample: 'pc-q35-11.1-minimal.mig.gz' });
    expect(encodeUrlState({})).toBe('');
  });

  it('reads `samples=` too, and a record without a field', () => {
    expect(decodeUrlState('#samples=failing-load&view=explain')).toEqual({ sample: 'failing-load', view: 'explain' });
    expect(decodeUrlState('#sec=ram%230%20PART&at=0xc2')).toEqual({ path: ['ram#0 PART'], offset: 0xc2 });
  });

  it('names with markup and odd characters survive as text', () => {
    const path = ['<img src=x onerror=alert(1)>#0', 'a&b=c', '100%'];
    const hash = encodeUrlState({ path, file: 'x&view=hosts.mig' });
    expect(decodeUrlState(hash)).toEqual({ path, file: 'x&view=hosts.mig' });
  });

  it('drops what is malformed instead of failing', () => {
    expect(decodeUrlState('#view=nope&tour=0&at=0xZZ&mrow=a&file=%00x')).toEqual({});
    expect(decodeUrlState('#tour=100')).toEqual({});
    expect(decodeUrlState('#tour=-1&at=-5')).toEqual({});
    expect(decodeUrlState(`#file=${'a'.repeat(2000)}`)).toEqual({});
    expect(decodeUrlState('%%%&&==')).toEqual({});
  });

  it('offsets: hex or decimal, safe integers only', () => {
    expect(parseUrlOffset('0x10')).toBe(16);
    expect(parseUrlOffset('0X1F')).toBe(31);
    expect(parseUrlOffset('42')).toBe(42);
    expect(parseUrlOffset('0x')).toBeUndefined();
    expect(parseUrlOffset('99999999999999999')).toBeUndefined();
    expect(parseUrlOffset('1e3')).toBeUndefined();
  });
});
