/**
 * decodeStream: the top-level loop of a QEMU migration stream (migration/savevm.c
 * qemu_loadvm_state / qemu_loadvm_state_main). Header, configuration, then records until EOF,
 * then the vmdesc trailer. Any bad input stops with a typed DecodeError; everything decoded
 * before it stays in the result.
 */
import type { ByteSource } from './bytes/byte-source.ts';
import { Cursor } from './bytes/cursor.ts';
import { openStream, type OpenedStream } from './container.ts';
import { DecodeError, type Diagnostic } from './errors.ts';
import type {
  DecodedNode,
  DecodeResult,
  SectionRecord,
  SectionType,
  TopRecord,
  VmdescDevice,
  VmdescJson,
} from './model.ts';
import { annotateArmCpregs } from './device-state/arm-cpregs.ts';
import { decodeCommand } from './stream/command.ts';
import { decodeConfiguration } from './stream/configuration.ts';
import {
  QEMU_VM_COMMAND,
  QEMU_VM_CONFIGURATION,
  QEMU_VM_EOF,
  QEMU_VM_FILE_MAGIC,
  QEMU_VM_FILE_VERSION,
  QEMU_VM_FILE_VERSION_COMPAT,
  QEMU_VM_SECTION_END,
  QEMU_VM_SECTION_FOOTER,
  QEMU_VM_SECTION_FULL,
  QEMU_VM_SECTION_PART,
  QEMU_VM_SECTION_START,
  QEMU_VM_VMDESCRIPTION,
} from './stream/constants.ts';
import { iterativeHandlerFor, IterativeRecordUnknown, type IterativeState } from './stream/iterative.ts';
import { findFooter } from './stream/opaque.ts';
import { decodeVfioConfigBody, decodeVfioIterativeBody, isVfioIdstr, VFIO_PHASE, VFIO_SECTION_VERSION, VfioTagUnknown } from './stream/vfio.ts';
import { decodeRamBody, newRamState, type RamState } from './stream/ram.ts';
import { decodeVmsdBody, UnusableVmdescEntry } from './vmsd/body.ts';
import { compareWithManifest, decodeSectionWithManifest, type ManifestCheck } from './vmsd/manifest-section.ts';
import { indexSchema, type SchemaIndex, type VmstateSchema } from './vmsd/schema.ts';
import { followableVmdesc, locateVmdesc, parseVmdesc, usableDevices, VMDESC_TAIL_SCAN, type LocatedVmdesc } from './vmsd/description.ts';
import { salvageVmdesc } from './vmsd/salvage.ts';

export interface DecodeProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly sections: number;
}

export interface DecodeOptions {
  readonly onProgress?: (p: DecodeProgress) => void;
  readonly signal?: AbortSignal;
  /** Cursor window in bytes (tests use odd sizes to prove chunking does not matter). */
  readonly window?: number;
  /** A vmdesc to use when the stream has none (e.g. from a stream of the same VM). */
  readonly vmdesc?: VmdescJson;
  /**
   * A -dump-vmstate manifest (src/manifest's VmstateManifest fits this shape) used as the
   * schema of the device sections no vmdesc describes; where a vmdesc does, it wins and the
   * manifest is checked against it.
   */
  readonly schema?: VmstateSchema;
  /**
   * `vmdesc` is what was whole of a cut trailer (salvage.ts): the sections it lacks are not
   * matched with an entry by position. Set by the decoder itself when it re-decodes.
   */
  readonly vmdescIsPartial?: boolean;
}

/** Section ids are be32; idstrs are counted strings (≤ 255 bytes) by construction. */
const MAX_SECTIONS = 1 << 20;

interface KnownSection {
  readonly idstr: string;
  readonly instanceId: number;
  readonly versionId: number;
  /** Kept from START to END for the iterative handlers (the hash table's size). */
  readonly iterative: IterativeState;
}

export async function decodeStream(file: ByteSource, opts: DecodeOptions = {}): Promise<DecodeResult> {
  let opened: OpenedStream;
  try {
    opened = await openStream(file);
  } catch (e) {
    const error = toDecodeError(e, 0, []);
    const root: DecodedNode = { kind: 'stream', name: file.name, path: [], start: 0, end: undefined, children: [] };
    return {
      source: { name: file.name, size: file.size, container: 'raw', fileSize: file.size },
      records: [],
      sections: [],
      commands: [],
      root,
      error: error.toInfo(),
      diagnostics: [],
      complete: false,
    };
  }
  return decodeOpened(file.name, opened, opts);
}

/** Decodes a stream whose container (gzip, libvirt) was already opened with openStream. */
export async function decodeOpened(name: string, opened: OpenedStream, opts: DecodeOptions = {}): Promise<DecodeResult> {
  const source = opened.source;
  const diagnostics: Diagnostic[] = [];
  const rootChildren: DecodedNode[] = [];
  const root: DecodedNode = { kind: 'stream', name, path: [], start: 0, end: undefined, children: rootChildren };
  const records: TopRecord[] = [];
  const sections: SectionRecord[] = [];
  const result: DecodeResult = {
    source: {
      name,
      size: source.size,
      container: opened.container,
      fileSize: opened.fileSize,
      ...(opened.wrapperOffset !== undefined ? { wrapperOffset: opened.wrapperOffset } : {}),
      ...(opened.libvirtXml !== undefined ? { libvirtXml: opened.libvirtXml } : {}),
    },
    records,
    sections,
    commands: [],
    root,
    diagnostics,
    complete: false,
  };
  const cur = new Cursor(source, opts.window);
  const report = (): void => {
    opts.onProgress?.({ bytesRead: cur.pos, bytesTotal: source.size, sections: sections.length });
    if (opts.signal?.aborted === true) throw opts.signal.reason ?? new Error('aborted');
  };

  let located: LocatedVmdesc | undefined;
  let vmdesc: VmdescJson | undefined = opts.vmdesc;
  try {
    located = await locateVmdesc(source);
    if (located !== undefined && vmdesc === undefined) {
      const text = new TextDecoder().decode(await source.read(located.jsonStart, located.jsonLength));
      try {
        vmdesc = parseVmdesc(text, located.jsonStart);
        result.vmdesc = { start: located.start, jsonStart: located.jsonStart, jsonLength: located.jsonLength, json: followableVmdesc(vmdesc) };
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        diagnostics.push({ severity: 'warning', code: e.code, offset: e.offset, message: `${e.detail}; device sections are shown as opaque bytes` });
        vmdesc = undefined;
      }
    }
    if (vmdesc === undefined && opts.vmdesc === undefined) {
      diagnostics.push({
        severity: 'info',
        code: 'NO_VMDESC',
        offset: source.size,
        message: `no vmdesc trailer ends this stream (suppressed, postcopy, or cut short): device sections are delimited by their footers and ${opts.schema !== undefined ? 'decoded with the manifest where it describes them' : 'shown as opaque bytes'}`,
      });
    }

    // Header (migration/savevm.c qemu_loadvm_state_header).
    cur.path = ['header'];
    const headerNode: DecodedNode = { kind: 'header', name: 'header', path: ['header'], start: 0, end: undefined, children: [] };
    rootChildren.push(headerNode);
    const magic = await cur.readU32('file magic');
    if (magic !== QEMU_VM_FILE_MAGIC) {
      throw new DecodeError('BAD_MAGIC', 0, ['header'], 'not a QEMU migration stream', '0x5145564d ("QEVM")', `0x${magic.toString(16).padStart(8, '0')}`);
    }
    const version = await cur.readU32('file version');
    if (version !== QEMU_VM_FILE_VERSION) {
      const why = version === QEMU_VM_FILE_VERSION_COMPAT ? 'SaveVM v2 format is obsolete and no longer supported' : `unsupported stream version ${version}`;
      throw new DecodeError('UNSUPPORTED_VERSION', 4, ['header'], why, '3', `${version}`);
    }
    headerNode.end = 8;
    headerNode.children?.push(
      { kind: 'field', name: 'magic', path: ['header', 'magic'], start: 0, end: 4, type: 'uint32', value: magic },
      { kind: 'field', name: 'version', path: ['header', 'version'], start: 4, end: 8, type: 'uint32', value: version },
    );
    (result as { header?: { magic: number; version: number } }).header = { magic, version };

    if (cur.remaining > 0) {
      await cur.need(1, 'section type');
      if (cur.peek8() === QEMU_VM_CONFIGURATION) {
        const at = cur.pos;
        cur.u8();
        const config = await decodeConfiguration(cur, at);
        result.configuration = config;
        rootChildren.push(config.node);
      } else {
        diagnostics.push({ severity: 'info', code: 'NO_CONFIGURATION', offset: 8, message: 'no configuration section: the source had send-configuration off (machine types 2.3 and older, Xen)' });
      }
    }

    const pageSize = vmdesc?.page_size ?? (result.configuration?.targetPageBits !== undefined ? 1 << result.configuration.targetPageBits : 4096);
    if (vmdesc === undefined && result.configuration?.targetPageBits === undefined) {
      diagnostics.push({ severity: 'info', code: 'PAGE_SIZE_ASSUMED', offset: 8, message: 'page size assumed to be 4096 bytes (no vmdesc, no target-page-bits)' });
    }
    const caps = result.configuration?.capabilities ?? [];
    const ram = newRamState(pageSize, {
      ignoreShared: caps.includes('x-ignore-shared'),
      mappedRam: caps.includes('mapped-ram'),
      diagnostics,
      onBytes: () => report(),
    });
    result.ram = ram.summary;

    const known = new Map<number, KnownSection>();
    const devices = new DeviceMatcher(vmdesc === undefined ? [] : usableDevices(vmdesc, result.vmdesc?.jsonStart ?? 0, diagnostics), diagnostics, opts.vmdescIsPartial === true);
    const schema = opts.schema === undefined ? undefined : indexSchema(opts.schema);
    if (schema !== undefined) checkSchemaMachine(schema.schema, result.configuration?.machineType, diagnostics);
    const sectionCtx: SectionContext = {
      cur,
      known,
      devices,
      ram,
      schema,
      checks: [],
      diagnostics,
      rootChildren,
      footersOptional: result.configuration === undefined,
      announce: (section) => {
        sections.push(section);
        records.push(section);
      },
    };
    for (;;) {
      if (sections.length > MAX_SECTIONS) {
        throw new DecodeError('LIMIT_EXCEEDED', cur.pos, [], `more than ${MAX_SECTIONS} sections`);
      }
      const at = cur.pos;
      cur.path = [];
      await cur.need(1, 'section type');
      const type = cur.u8();
      if (type === QEMU_VM_EOF) {
        records.push({ kind: 'eof', start: at, end: at + 1 });
        rootChildren.push({ kind: 'eof', name: 'EOF', path: ['EOF'], start: at, end: at + 1 });
        break;
      }
      if (type === QEMU_VM_COMMAND) {
        const { record, node } = await decodeCommand(cur, at);
        records.push(record);
        result.commands.push(record);
        rootChildren.push(node);
        continue;
      }
      if (type !== QEMU_VM_SECTION_START && type !== QEMU_VM_SECTION_FULL && type !== QEMU_VM_SECTION_PART && type !== QEMU_VM_SECTION_END) {
        throw new DecodeError(
          'UNKNOWN_SECTION_TYPE',
          at,
          sections.length > 0 ? [sectionLabel(sections[sections.length - 1] as SectionRecord)] : [],
          `Unknown savevm section type ${type}${sections.length > 0 ? ` after ${describeSection(sections[sections.length - 1] as SectionRecord)}` : ''}`,
          'a section type 0x00-0x04 or 0x08',
          `0x${type.toString(16).padStart(2, '0')}`,
        );
      }
      // The record is listed as soon as its header is read, so a section that decoding
      // stopped inside is still in `sections`, with `end` undefined.
      await decodeSection(sectionCtx, type, at);
      report();
    }

    // Trailer: 0x06 be32 len JSON, or nothing when vmdesc was suppressed.
    if (cur.remaining > 0) {
      const at = cur.pos;
      cur.path = ['vmdesc'];
      await cur.need(1, 'vmdesc marker');
      const marker = cur.u8();
      if (marker !== QEMU_VM_VMDESCRIPTION) {
        throw new DecodeError('TRAILING_DATA', at, ['vmdesc'], `${cur.size - at} bytes after EOF that are not a vmdesc trailer (QEMU: "Expected vmdescription section, but got ${marker}")`, '0x06', `0x${marker.toString(16).padStart(2, '0')}`);
      }
      const len = await cur.readU32('vmdesc length');
      const vmdescNode: DecodedNode = { kind: 'vmdesc', name: 'vmdesc', path: ['vmdesc'], start: at, end: undefined, value: { offset: at + 5, length: len } };
      rootChildren.push(vmdescNode);
      if (at + 5 + len > cur.size) {
        if (vmdesc === undefined && opts.vmdesc === undefined) {
          // What is whole of the cut JSON still describes its devices: decode again with it.
          const available = Math.min(cur.size - at - 5, VMDESC_TAIL_SCAN);
          const salvaged = salvageVmdesc(new TextDecoder().decode(await source.read(at + 5, available)));
          if (salvaged !== undefined) {
            const again = await decodeOpened(name, opened, { ...opts, vmdesc: salvaged.json, vmdescIsPartial: true });
            again.vmdesc = { start: at, jsonStart: at + 5, jsonLength: len, json: followableVmdesc(salvaged.json), partial: true };
            again.diagnostics.push({
              severity: 'info',
              code: 'VMDESC_PARTIAL',
              offset: at + 5,
              message: `the vmdesc is cut after ${available} of its ${len} bytes; the ${salvaged.devices} device entries whole in it describe their sections, the others are found by their footers${opts.schema !== undefined ? ' and decoded with the manifest' : ''}`,
            });
            return again;
          }
        }
        throw new DecodeError('UNEXPECTED_EOF', at + 5, ['vmdesc'], `vmdesc JSON is cut short (QEMU ignores the vmdesc, so the device state before it is complete)`, `${len} bytes`, `${cur.size - at - 5} bytes`);
      }
      if (located === undefined || located.start !== at) {
        // The trailer is here but the tail scan did not find it: bytes follow it.
        const text = new TextDecoder().decode(await source.read(at + 5, len));
        let parsed: VmdescJson | undefined;
        try {
          parsed = parseVmdesc(text, at + 5);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          diagnostics.push({ severity: 'warning', code: e.code, offset: e.offset, message: e.detail });
        }
        if (parsed !== undefined && vmdesc === undefined && opts.vmdesc === undefined) {
          // Decode again with the schema we only found now.
          const again = await decodeOpened(name, opened, { ...opts, vmdesc: parsed });
          again.vmdesc = { start: at, jsonStart: at + 5, jsonLength: len, json: followableVmdesc(parsed) };
          return again;
        }
      }
      cur.seek(at + 5 + len);
      vmdescNode.end = cur.pos;
      if (cur.remaining > 0) {
        throw new DecodeError('TRAILING_DATA', cur.pos, [], `${cur.remaining} bytes after the vmdesc trailer`, 'end of stream', `${cur.remaining} more bytes`);
      }
    }
    devices.reportUnused(cur.pos);
    if (schema !== undefined) summarizeSchemaUse(schema, sections, sectionCtx.checks, diagnostics, cur.pos);
    root.end = cur.pos;
    result.complete = true;
  } catch (e) {
    if (isAbort(e, opts.signal)) throw e;
    result.error = toDecodeError(e, cur.pos, cur.path).toInfo();
  }
  return result;
}

/** What every section of one decode shares. */
interface SectionContext {
  readonly cur: Cursor;
  readonly known: Map<number, KnownSection>;
  readonly devices: DeviceMatcher;
  readonly ram: RamState;
  readonly schema: SchemaIndex | undefined;
  /** For each section the vmdesc decoded, what the manifest said of it. */
  readonly checks: ManifestCheck['kind'][];
  readonly diagnostics: Diagnostic[];
  readonly rootChildren: DecodedNode[];
  readonly announce: (section: SectionRecord) => void;
  /**
   * Section footers may be missing: a stream without a configuration section comes from a
   * source with send-configuration off, which hw_compat_2_3 sets together with
   * send-section-footer off (machine types 2.3 and older, 5.2 - 11.1).
   */
  readonly footersOptional: boolean;
}

async function decodeSection(ctx: SectionContext, type: number, at: number): Promise<SectionRecord> {
  const { cur, known, devices, ram, diagnostics, rootChildren, announce } = ctx;
  const sectionType = (['', 'START', 'PART', 'END', 'FULL'] as const)[type] as SectionType;
  const sectionId = await cur.readU32('section id');
  let info: KnownSection;
  if (type === QEMU_VM_SECTION_START || type === QEMU_VM_SECTION_FULL) {
    const idstr = await cur.readCountedString('section idstr');
    const instanceId = await cur.readU32('instance id');
    const versionId = await cur.readU32('version id');
    info = { idstr, instanceId, versionId, iterative: {} };
    known.set(sectionId, info);
  } else {
    const found = known.get(sectionId);
    if (found === undefined) {
      throw new DecodeError('UNKNOWN_SECTION_ID', at + 1, [], `${sectionType} section refers to section id ${sectionId}, which no START section announced`, `one of ${[...known.keys()].join(', ') || 'no ids yet'}`, `${sectionId}`);
    }
    info = found;
  }
  const label = `${info.idstr}#${info.instanceId}`;
  const path = type === QEMU_VM_SECTION_FULL || type === QEMU_VM_SECTION_START ? [label] : [`${label} ${sectionType}`];
  cur.path = path;
  const bodyStart = cur.pos;
  const children: DecodedNode[] = [sectionHeaderNode(type, at, bodyStart, sectionId, info, path)];
  const node: DecodedNode = { kind: 'section', name: `${sectionType} ${info.idstr}`, path, start: at, end: undefined, value: sectionId, children };
  rootChildren.push(node);
  const isRam = info.idstr === 'ram' && info.instanceId === 0;
  // VFIO's markers are the same in every version that registers version 1 (hw/vfio/migration.c).
  const isVfio = isVfioIdstr(info.idstr) && info.versionId === VFIO_SECTION_VERSION;
  const handler = isRam || type === QEMU_VM_SECTION_FULL ? undefined : iterativeHandlerFor(info.idstr, info.instanceId);
  const iterative = handler !== undefined && handler.version === info.versionId ? handler : undefined;
  if (handler !== undefined && iterative === undefined && type === QEMU_VM_SECTION_START) {
    diagnostics.push({
      severity: 'warning',
      code: 'SECTION_VERSION_UNKNOWN',
      offset: at + 1 + 4 + 1 + info.idstr.length + 4,
      message: `section '${info.idstr}' has version ${info.versionId}; QEMU's loader reads only version ${handler.version}, so its body is left opaque`,
    });
  }
  let bodyDecoder: SectionRecord['bodyDecoder'];
  const device = type === QEMU_VM_SECTION_FULL ? devices.take(info, at) : undefined;
  if (isRam) {
    bodyDecoder = 'ram';
  } else if (isVfio) {
    // The FULL section's vmdesc entry (an old-style `data` buffer) is taken above, so later entries line up.
    bodyDecoder = 'vfio';
  } else if (iterative !== undefined) {
    bodyDecoder = 'iterative';
  } else if (device !== undefined) {
    bodyDecoder = 'vmdesc';
  } else if (type === QEMU_VM_SECTION_FULL && ctx.schema !== undefined) {
    bodyDecoder = 'manifest';
  } else {
    bodyDecoder = 'opaque';
  }
  const record: SectionRecord = {
    kind: 'section',
    type: sectionType,
    sectionId,
    idstr: info.idstr,
    instanceId: info.instanceId,
    versionId: info.versionId,
    start: at,
    bodyStart,
    bodyEnd: undefined,
    end: undefined,
    bodyDecoder,
    node,
  };
  announce(record);
  if (isRam) {
    if (info.versionId !== 4) {
      throw new DecodeError('UNSUPPORTED_VERSION', at + 1, path, `RAM section version ${info.versionId} (only version 4 exists since before QEMU 5.2)`, '4', `${info.versionId}`);
    }
    await decodeRamBody(cur, ram, path, children);
  } else if (isVfio) {
    await decodeVfioSection(cur, sectionType, sectionId, info.idstr, path, children, diagnostics, node);
  } else if (iterative !== undefined) {
    try {
      await iterative.decode(cur, info.iterative, path, children, diagnostics);
    } catch (e) {
      if (!(e instanceof IterativeRecordUnknown)) throw e;
      // The handler's loader would refuse this record: the rest is found by its footer.
      const footerAt = await findFooter(cur, sectionId, `section '${info.idstr}'`);
      children.push({ kind: 'opaque', name: 'rest', path: [...path, 'rest'], start: e.offset, end: footerAt, value: { offset: e.offset, length: footerAt - e.offset }, note: 'opaque: a record QEMU does not read; the end was found by scanning for the footer (heuristic)' });
      cur.seek(footerAt);
    }
  } else if (device !== undefined) {
    if (device.version !== undefined && device.version !== info.versionId) {
      diagnostics.push({
        severity: 'warning',
        code: 'SECTION_VERSION_DIFFERS',
        offset: at + 1 + 4 + 1 + info.idstr.length + 4,
        message: `section '${info.idstr}' says version ${info.versionId} in its header but ${device.version} in the vmdesc: the header was changed after saving, or the vmdesc belongs to another stream`,
      });
    }
    let degraded = false;
    try {
      await decodeVmsdBody({ cur, diagnostics, idstr: info.idstr }, device, path, children);
    } catch (e) {
      if (!(e instanceof UnusableVmdescEntry)) throw e;
      await degradeDevice(cur, e, sectionId, info, path, children, diagnostics);
      degraded = true;
    }
    // Arm's `cpu` carries its system registers as bare ids: name each one.
    if (info.idstr === 'cpu') annotateArmCpregs(children);
    if (ctx.schema !== undefined && !degraded) {
      const bodyEnd = cur.pos;
      const check = await compareWithManifest(cur, ctx.schema, info.idstr, info.versionId, bodyStart, bodyEnd, path, children.slice(1));
      cur.seek(bodyEnd);
      ctx.checks.push(check.kind);
      if (check.kind === 'differs') {
        diagnostics.push({ severity: 'warning', code: 'MANIFEST_DISAGREES', offset: bodyStart, message: `${info.idstr}: decoded with the vmdesc, which wins; the manifest ${ctx.schema.schema.file} reads it otherwise: ${check.why}` });
      }
    }
  } else if (bodyDecoder === 'manifest' && ctx.schema !== undefined) {
    const r = await decodeSectionWithManifest({ cur, index: ctx.schema, idstr: info.idstr, sectionId, versionId: info.versionId, bodyStart, path, diagnostics });
    if (r.ok) {
      children.push(...r.children);
      node.note = r.note;
    } else {
      record.bodyDecoder = 'opaque';
      diagnostics.push({ severity: 'info', code: 'MANIFEST_CANNOT_SAY', offset: bodyStart, message: `${info.idstr}: not decoded with the manifest: ${r.reason}; its body is opaque` });
      node.note = `opaque: not decoded with the manifest (${r.reason}); its end was found by scanning for the footer (heuristic)`;
      children.push({ kind: 'opaque', name: 'body', path: [...path, 'body'], start: bodyStart, end: r.footerAt, value: { offset: bodyStart, length: r.footerAt - bodyStart } });
    }
  } else {
    const footerAt = await findFooter(cur, sectionId, `section '${info.idstr}'`);
    node.note = 'opaque: no vmdesc entry describes this body; its end was found by scanning for the footer (heuristic)';
    children.push({ kind: 'opaque', name: 'body', path: [...path, 'body'], start: bodyStart, end: footerAt, value: { offset: bodyStart, length: footerAt - bodyStart } });
    cur.seek(footerAt);
  }
  record.bodyEnd = cur.pos;
  const footer = await readFooter(cur, sectionId, info, path, children, ctx.footersOptional);
  if (!footer && !ctx.diagnostics.some((d) => d.code === 'NO_SECTION_FOOTERS')) {
    ctx.diagnostics.push({ severity: 'info', code: 'NO_SECTION_FOOTERS', offset: cur.pos, message: `no section footers: the source had send-section-footer off (machine types 2.3 and older, with send-configuration off); '${info.idstr}' ends where the next record begins` });
  }
  record.end = cur.pos;
  node.end = cur.pos;
  return record;
}

/** An assigned device's section: its markers decoded, the vendor data as opaque ranges; a tag QEMU refuses leaves the rest opaque. */
async function decodeVfioSection(cur: Cursor, type: SectionType, sectionId: number, idstr: string, path: readonly string[], children: DecodedNode[], diagnostics: Diagnostic[], node: DecodedNode): Promise<void> {
  try {
    if (type === 'FULL') {
      await decodeVfioConfigBody(cur, sectionId, idstr, path, children, diagnostics);
      node.note = `VFIO ${VFIO_PHASE.FULL}`;
    } else {
      const bytes = await decodeVfioIterativeBody(cur, idstr, path, children, diagnostics);
      node.note = `VFIO ${VFIO_PHASE[type]}: ${bytes} bytes of vendor device state`;
    }
  } catch (e) {
    if (!(e instanceof VfioTagUnknown)) throw e;
    const footerAt = await findFooter(cur, sectionId, `section '${idstr}'`);
    children.push({ kind: 'opaque', name: 'rest', path: [...path, 'rest'], start: e.offset, end: footerAt, value: { offset: e.offset, length: footerAt - e.offset }, note: 'opaque: a tag vfio_load_state refuses; the end was found by scanning for the footer (heuristic)' });
    cur.seek(footerAt);
  }
}

/**
 * One vmdesc entry of this device cannot be followed: what was decoded before it stays, the
 * nodes it was inside end where it begins, and the rest of the body up to the footer (found by
 * scanning, as for a section without a vmdesc) is one opaque node. Only this device degrades.
 */
async function degradeDevice(
  cur: Cursor,
  e: UnusableVmdescEntry,
  sectionId: number,
  info: KnownSection,
  path: readonly string[],
  children: DecodedNode[],
  diagnostics: Diagnostic[],
): Promise<void> {
  cur.seek(e.offset);
  cur.path = e.path;
  const footerAt = await findFooter(cur, sectionId, `section '${info.idstr}'`);
  const closeOpen = (nodes: readonly DecodedNode[]): void => {
    for (const n of nodes) {
      if (n.end !== undefined) continue;
      n.end = e.offset;
      n.note = 'cut short: the vmdesc entry that follows cannot be used';
      closeOpen(n.children ?? []);
    }
  };
  closeOpen(children);
  const where = e.path.slice(1).join('/') || '(the device itself)';
  diagnostics.push({
    severity: 'warning',
    code: 'VMDESC_ENTRY_UNUSABLE',
    offset: e.offset,
    message: `${info.idstr}: vmdesc entry '${where}' cannot be used (${e.reason}); the rest of this device, ${footerAt - e.offset} bytes up to its footer, is shown as opaque bytes`,
  });
  children.push({
    kind: 'opaque',
    name: 'rest',
    path: [...path, 'rest'],
    start: e.offset,
    end: footerAt,
    value: { offset: e.offset, length: footerAt - e.offset },
    note: `opaque: the vmdesc entry '${where}' cannot be used (${e.reason}); the end was found by scanning for the footer (heuristic)`,
  });
  cur.seek(footerAt);
}

/** One line on what the manifest decoded, which device sections it could not, and how it read the others. */
function summarizeSchemaUse(schema: SchemaIndex, sections: readonly SectionRecord[], checks: readonly ManifestCheck['kind'][], diagnostics: Diagnostic[], at: number): void {
  const full = sections.filter((s) => s.type === 'FULL');
  const byManifest = full.filter((s) => s.bodyDecoder === 'manifest');
  const opaque = full.filter((s) => s.bodyDecoder === 'opaque');
  const count = (k: ManifestCheck['kind']): number => checks.filter((c) => c === k).length;
  const parts: string[] = [];
  if (byManifest.length > 0 || opaque.length > 0) {
    parts.push(`decoded ${byManifest.length} of ${full.length} device sections field by field` + (opaque.length > 0 ? `; opaque: ${opaque.map((s) => s.idstr).join(', ')}` : ''));
  }
  if (checks.length > 0) {
    parts.push(`of the ${checks.length} the vmdesc decoded it reads ${count('same')} the same, ${count('differs')} otherwise, cannot decode ${count('cannot-say')} alone and has no entry for ${count('absent')}`);
  }
  diagnostics.push({ severity: 'info', code: 'MANIFEST_SCHEMA', offset: at, message: `the manifest ${schema.schema.file}: ${parts.join('; ')}` });
}

/**
 * A manifest lists what one binary can load, the same for every machine type of it (only
 * `vmschkmachine` differs): another machine type is worth a word, not a refusal.
 */
function checkSchemaMachine(schema: VmstateSchema, machineType: string | undefined, diagnostics: Diagnostic[]): void {
  if (schema.machine === undefined || machineType === undefined || schema.machine === machineType) return;
  diagnostics.push({
    severity: 'info',
    code: 'MANIFEST_OTHER_MACHINE',
    offset: 8,
    message: `the manifest ${schema.file} was dumped with -machine ${schema.machine}, the stream is ${machineType}; a build's manifest lists the same vmsds for each of its machine types`,
  });
}

/** The header bytes as nodes, so a click on them selects what they are. */
function sectionHeaderNode(type: number, at: number, bodyStart: number, sectionId: number, info: KnownSection, path: readonly string[]): DecodedNode {
  const hp = [...path, 'header'];
  const f = (name: string, start: number, end: number, t: string, value: number | string): DecodedNode => ({ kind: 'field', name, path: [...hp, name], start, end, type: t, value });
  const kids = [f('section_type', at, at + 1, 'uint8', type), f('section_id', at + 1, at + 5, 'uint32', sectionId)];
  if (type === QEMU_VM_SECTION_START || type === QEMU_VM_SECTION_FULL) {
    const idEnd = at + 5 + 1 + (bodyStart - at - 5 - 1 - 8);
    kids.push(f('idstr', at + 5, idEnd, 'counted string', info.idstr), f('instance_id', idEnd, idEnd + 4, 'uint32', info.instanceId), f('version_id', idEnd + 4, idEnd + 8, 'uint32', info.versionId));
  }
  return { kind: 'header', name: 'header', path: hp, start: at, end: bodyStart, children: kids };
}

/** False when the footer is optional and absent (the cursor stays where the next record begins). */
async function readFooter(cur: Cursor, sectionId: number, info: KnownSection, path: readonly string[], children: DecodedNode[], optional: boolean): Promise<boolean> {
  const at = cur.pos;
  cur.path = [...path, 'footer'];
  await cur.need(1, 'section footer');
  const marker = cur.u8();
  if (marker !== QEMU_VM_SECTION_FOOTER && optional) {
    cur.seek(at);
    return false;
  }
  if (marker !== QEMU_VM_SECTION_FOOTER) {
    const hint = marker === 0x05 ? ' (a subsection the vmdesc does not list follows the body)' : '';
    throw new DecodeError('SECTION_FOOTER_MISMATCH', at, cur.path, `Missing section footer for ${info.idstr}${hint}`, '0x7e (QEMU_VM_SECTION_FOOTER)', `0x${marker.toString(16).padStart(2, '0')}`);
  }
  const id = await cur.readU32('footer section id');
  if (id !== sectionId) {
    throw new DecodeError('SECTION_FOOTER_MISMATCH', at + 1, cur.path, `Mismatched section id in footer for ${info.idstr} - read 0x${id.toString(16)} expected 0x${sectionId.toString(16)}`, `${sectionId}`, `${id}`);
  }
  children.push({ kind: 'footer', name: 'footer', path: cur.path, start: at, end: cur.pos, value: id });
  return true;
}

/**
 * vmdesc `devices` lists the FULL sections in stream order; match by (idstr, instance) in
 * order, and fall back to the entry at the same position when a header was damaged.
 */
class DeviceMatcher {
  private readonly used: boolean[];
  private next = 0;

  /**
   * `devices` in vmdesc order; a hole is an entry no section can use. A partial list (a cut
   * trailer) lacks the last sections' entries, so nothing is matched by position then.
   */
  constructor(
    private readonly devices: readonly (VmdescDevice | undefined)[],
    private readonly diagnostics: Diagnostic[],
    private readonly partial = false,
  ) {
    this.used = devices.map((d) => d === undefined);
  }

  take(info: KnownSection, at: number): VmdescDevice | undefined {
    if (this.devices.length === 0) return undefined;
    const matches = (i: number): VmdescDevice | undefined => {
      const d = this.devices[i];
      return !this.used[i] && d !== undefined && d.name === info.idstr && d.instance_id === info.instanceId ? d : undefined;
    };
    for (let i = this.next; i < this.devices.length; i++) {
      const d = matches(i);
      if (d !== undefined) {
        this.used[i] = true;
        this.next = i + 1;
        return d;
      }
    }
    for (let i = 0; i < this.next; i++) {
      const d = matches(i);
      if (d !== undefined) {
        this.used[i] = true;
        return d;
      }
    }
    if (this.partial) {
      this.diagnostics.push({ severity: 'info', code: 'SECTION_NOT_IN_VMDESC', offset: at, message: `section '${info.idstr}' instance ${info.instanceId} is past the part of the vmdesc that is whole` });
      return undefined;
    }
    const positional = this.devices[this.next];
    if (this.next < this.devices.length && positional === undefined) {
      // The entry at this position was unusable: this section is opaque, the next one lines up.
      this.next++;
      this.diagnostics.push({ severity: 'warning', code: 'SECTION_NOT_IN_VMDESC', offset: at, message: `section '${info.idstr}' instance ${info.instanceId} is not in the vmdesc (its entry there is unusable); its body is opaque` });
      return undefined;
    }
    if (positional !== undefined && !this.used[this.next]) {
      this.used[this.next] = true;
      this.next++;
      this.diagnostics.push({
        severity: 'warning',
        code: 'SECTION_NOT_IN_VMDESC',
        offset: at,
        message: `section '${info.idstr}' instance ${info.instanceId} is not in the vmdesc; decoded with the entry at the same position, '${positional.name}' instance ${positional.instance_id} (the header looks damaged)`,
      });
      return positional;
    }
    this.diagnostics.push({ severity: 'warning', code: 'SECTION_NOT_IN_VMDESC', offset: at, message: `section '${info.idstr}' instance ${info.instanceId} is not in the vmdesc; its body is opaque` });
    return undefined;
  }

  reportUnused(at: number): void {
    this.devices.forEach((d, i) => {
      if (d !== undefined && !this.used[i]) {
        this.diagnostics.push({ severity: 'warning', code: 'VMDESC_DEVICE_UNUSED', offset: at, message: `vmdesc describes '${d.name}' instance ${d.instance_id}, but the stream has no such section` });
      }
    });
  }
}

function sectionLabel(s: SectionRecord): string {
  return `${s.idstr}#${s.instanceId}`;
}

function describeSection(s: SectionRecord): string {
  return `${s.type} section '${s.idstr}' (id ${s.sectionId}) at 0x${s.start.toString(16)}`;
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && !(e instanceof DecodeError);
}

function toDecodeError(e: unknown, offset: number, path: readonly string[]): DecodeError {
  if (e instanceof DecodeError) return e;
  if (e instanceof RangeError) {
    return new DecodeError('LIMIT_EXCEEDED', offset, path, `input exceeds a platform limit: ${e.message}`);
  }
  // A bug in migscope, not bad input: still a value with an offset, never a crash.
  return new DecodeError('INTERNAL_ERROR', offset, path, `internal error: ${e instanceof Error ? e.message : String(e)}`);
}
