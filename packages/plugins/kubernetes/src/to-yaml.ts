/**
 * Manifests as a multi-document YAML stream for `kubectl apply -f -`.
 */
import { stringify } from 'yaml';

/**
 * One YAML document per object, separated by `---`. Written with the YAML 1.1 schema because
 * kubectl reads YAML 1.1: strings such as "yes", "on" or "0777" are then quoted, not turned into
 * booleans or octal numbers. Long lines are never folded (commands stay one line), and repeated
 * objects are written out, not as anchors and aliases.
 *
 * @example
 * ```ts
 * fs.writeFileSync('train.yaml', toYaml([job, service]));
 * ```
 */
export function toYaml(objects: readonly unknown[]): string {
  return objects
    .map((object) => stringify(object, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}
