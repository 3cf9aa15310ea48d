/**
 * Diagnostics behind `tfscale doctor`, as data for any front end.
 * @packageDocumentation
 */
export { type BackendCandidate, type DoctorReport, renderDoctorReport, runDoctor } from './doctor';
export { type FoundPlugin, inspectPlugins, type PluginReport } from './plugin-report';
