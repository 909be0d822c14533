/**
 * Explaining a load: why it failed (a destination log) or whether it will (what is known of
 * the destination). Pure: text and decoded streams in, plain data out.
 */
export { explainLoad, explainResultToJson, explainResultToText, type ExplainInput, type ExplainJson, type ExplainResult } from './explain.ts';
export { diagnoseLoad, type Diagnosis, type DiagnoseOptions } from './diagnose.ts';
export { predictLoad, resolveDestination, type DestinationKnowledge, type Prediction, type ResolvedDestination } from './predict.ts';
export { causeOfFamily, parseDestLog, type DestLog, type FailureFacts, type FailureFamily, type TraceFacts } from './dest-log.ts';
export { parseMachineCatalog, resolveMachine, catalogVersion, type MachineCatalog } from './machines-list.ts';
export { parseQemuCommandLine, withDevice, withoutDevice, type QemuCommandLine, type DeviceOption } from './qemu-cmdline.ts';
export { parseQemuVersion, formatQemuVersion, type QemuVersion } from './qemu-version.ts';
export { placeDevices, type Placement, type PlacedDevice } from './device-placement.ts';
export * from './model.ts';
