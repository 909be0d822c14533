/**
 * Reading what QEMU says about itself: `-dump-vmstate` manifests and `query-machines` replies.
 * Pure: no Node, no DOM; text in, typed values or typed errors out.
 */
export {
  childPath,
  DEFAULT_JSON_LIMITS,
  formatInputError,
  parseJson,
  parseJsonShape,
  readShape,
  ShapeReader,
  type InputError,
  type InputErrorCode,
  type JsonArray,
  type JsonBoolean,
  type JsonKind,
  type JsonLimits,
  type JsonNull,
  type JsonNumber,
  type JsonObject,
  type JsonString,
  type JsonValue,
  type PathSegment,
  type Result,
} from './json-input.ts';
export {
  devicesByVmsdName,
  fieldTotalSize,
  findSubsection,
  MACHINE_SECTION_KEY,
  parseVmstateManifest,
  vmstateManifestFromJson,
  type VmstateDescription,
  type VmstateDevice,
  type VmstateField,
  type VmstateManifest,
} from './vmstate-manifest.ts';
export {
  compatPropsFor,
  defaultMachine,
  findMachine,
  parseQueryMachines,
  queryMachinesFromJson,
  type CompatProperty,
  type MachineInfo,
  type QueryMachines,
} from './query-machines.ts';
