/**
 * RAM block sizes: the RAM setup record of the `ram` section lists every block with its used
 * length, and the destination refuses a block whose length differs from its own unless the
 * block is resizeable (`Size mismatch: %s: 0x%lx != 0x%lx: Invalid argument`, qemu_ram_resize()
 * in softmmu/ or system/physmem.c, the same wording in 5.2 - 11.1; docs/runtime-checks-sources.md
 * §7). The fw_cfg blobs (`/rom@etc/acpi/tables`, `/rom@etc/table-loader`, `/ram@...`) are
 * resizeable (hw/core/loader.c rom_set_mr()); guest RAM, firmware, option ROMs and video RAM
 * are not.
 *
 * The destination's sizes come from, in order: its command line for guest RAM (`-m`, 128 MiB
 * when absent: mc->default_ram_size in 5.2 - 11.1), a stream the destination build saved with
 * the same configuration, the Debian build of its release migscope has streams of. Firmware and
 * ROM sizes depend on the host's firmware packages, so without either the size is unknown.
 */
import type { RamBlockSummary } from '../../format/model.ts';
import type { ExplainFailure } from '../explain/model.ts';
import * as msg from '../explain/messages.ts';
import { splitIdstr } from '../explain/idstr.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, utf8Length, type LocatedSection, toFailureSection } from '../explain/stream-locate.ts';
import type { RuntimeDestination } from './context.ts';
import type { CheckOutcome, RuntimeCheckSpec } from './model.ts';

export const RAM_BLOCK_SIZE_CHECK: RuntimeCheckSpec = {
  family: 'ram-blocks',
  message: 'Size mismatch: %s: 0x%lx != 0x%lx: Invalid argument',
  source: 'migration/ram.c ram_load / parse_ramblocks -> qemu_ram_resize()',
  releases: 'all (5.2 - 11.1)',
  inputs: ['--dest-cmdline', '--dest-sample', '--dest-version'],
};

/** Guest RAM of a machine family when `-m` sizes it (no `-machine memory-backend=`). */
export function mainRamBlock(machineType: string | undefined): string | undefined {
  if (machineType === undefined) return undefined;
  if (/^(pc|q35|pc-(i440fx|q35)-[\d.]+)$/.test(machineType)) return 'pc.ram';
  if (/^virt(-[\d.]+)?$/.test(machineType)) return 'mach-virt.ram';
  return undefined;
}

const DEFAULT_RAM_SIZE = 128 * 1024 * 1024;

function resizeable(name: string): boolean {
  return name.startsWith('/rom@') || name.startsWith('/ram@');
}

interface LocalSize {
  readonly size: number;
  readonly from: string;
}

function localSize(block: RamBlockSummary, dest: RuntimeDestination): LocalSize | undefined {
  const main = mainRamBlock(dest.machineType);
  const cmd = dest.cmdline;
  if (main !== undefined && block.name === main && cmd !== undefined && cmd.machineProps.get('memory-backend') === undefined) {
    return cmd.memory !== undefined ? { size: cmd.memory, from: "the destination's -m" } : { size: DEFAULT_RAM_SIZE, from: 'the default RAM size (the destination command line has no -m)' };
  }
  const fromSample = dest.sample?.ram?.blocks.find((b) => b.name === block.name);
  if (fromSample !== undefined) return { size: fromSample.usedLength, from: `the destination sample (${dest.sampleName ?? 'its stream'})` };
  if (main !== undefined && block.name === main) return undefined;
  const fromBuild = dest.build?.ramBlocks.get(splitIdstr(block.name).name);
  if (fromBuild !== undefined && dest.build !== undefined) return { size: fromBuild, from: `Debian's QEMU ${dest.build.qemu} with its firmware packages` };
  return undefined;
}

export function checkRamBlockSize(block: RamBlockSummary, section: LocatedSection | undefined, dest: RuntimeDestination): CheckOutcome {
  const spec = RAM_BLOCK_SIZE_CHECK;
  if (resizeable(block.name)) return { verdict: 'passes', spec };
  const local = localSize(block, dest);
  if (local === undefined) {
    if (mainRamBlock(dest.machineType) === block.name && dest.cmdline === undefined) return { verdict: 'passes', spec };
    // A Debian build migscope knows settles firmware sizes too, when the release is not given.
    return {
      verdict: 'at-risk',
      spec,
      missing: dest.version === undefined ? ['--dest-sample', '--dest-version'] : ['--dest-sample'],
      note: {
        severity: 'at-risk',
        code: 'RAM_BLOCK_SIZE_UNKNOWN',
        text: `RAM block '${block.name}' is ${hex(block.usedLength)} bytes in the stream; its size on the destination (firmware and option ROM files of the destination host) is not known; give --dest-sample (a stream the destination build saved with the same configuration)`,
        section: section !== undefined ? toFailureSection(section) : undefined,
        offset: block.offset,
        cause: 'RAMBLOCK_MISMATCH',
        message: msg.ramSizeLines(block.name, block.usedLength, 0, dest.version)[0],
        fix: 'Give --dest-sample, or make sure the destination host has the same firmware / option ROM files.',
      },
    };
  }
  if (local.size === block.usedLength) return { verdict: 'passes', spec };
  return { verdict: 'fails', spec, failure: sizeFailure(block, section, dest, local) };
}

function mib(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

function sizeFailure(block: RamBlockSummary, section: LocatedSection | undefined, dest: RuntimeDestination, local: LocalSize): ExplainFailure {
  const entryLength = 1 + utf8Length(block.name) + 8;
  const main = mainRamBlock(dest.machineType) === block.name;
  return makeFailure({
    cause: 'RAMBLOCK_MISMATCH',
    section: section !== undefined ? toFailureSection(section) : undefined,
    field: `ram/${block.name}`,
    offset: block.offset,
    length: entryLength,
    message: msg.ramSizeLines(block.name, block.usedLength, local.size, dest.version),
    explanation: main
      ? `The guest RAM block '${block.name}' is ${block.usedLength} bytes (${mib(block.usedLength)}) in the stream; the destination's is ${local.size} bytes (${mib(local.size)}, ${local.from}). Guest RAM is not resizeable, so the sizes must be equal.`
      : `The RAM block '${block.name}' is ${hex(block.usedLength)} bytes in the stream's RAM setup record (at ${hex(block.offset)}); the destination's is ${hex(local.size)} (${local.from}). ` +
        'Firmware, option ROM and video RAM blocks are not resizeable: their size comes from the firmware files of each host (rounded up to a power of 2) or from a device property (vgamem_mb), and the destination refuses another size before loading any page.',
    fix: main
      ? `Start the destination with -m ${mib(block.usedLength).replace(' ', '')}.`
      : `Give the destination host the same firmware / option ROM files as the source (or the same romfile= / vgamem_mb= properties), so '${block.name}' has ${hex(block.usedLength)} bytes.`,
    values: [{ name: 'block', offset: block.offset, length: entryLength, value: `'${block.name}' ${block.usedLength} bytes` }],
  });
}
