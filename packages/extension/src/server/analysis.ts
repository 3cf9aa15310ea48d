import {
  findNodeAtLocation,
  findNodeAtOffset,
  getLocation,
  getNodeValue,
  type Node as JsonNode,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import type { CatalogEntry, JsonSchema, OptionsChecker, PluginCatalog, SdkApi } from './catalog';

/**
 * A problem in the run file, by character offsets.
 * @example
 *   const p: Problem = { start: 14, end: 23, message: 'Unknown strategy `mirored`.', severity: 'error' };
 */
export interface Problem {
  start: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
  /** For quick fixes: the name to put instead. */
  suggestion?: string;
}

type Point = keyof PluginCatalog;

/**
 * Which plugin point a value at this JSON path names, if any:
 * `strategy`, `strategy.name`, `callbacks[i]`, `callbacks[i].name`, `exporters[i].format`.
 * @example
 *   pointAt(['callbacks', 0, 'name']); // 'callback'
 */
export function pointAt(path: readonly (string | number)[]): Point | undefined {
  const [a, b, c] = path;
  if (a === 'strategy' && (path.length === 1 || (path.length === 2 && b === 'name'))) return 'strategy';
  if (a === 'callbacks' && typeof b === 'number' && (path.length === 2 || (path.length === 3 && c === 'name'))) {
    return 'callback';
  }
  if (a === 'exporters' && typeof b === 'number' && path.length === 3 && c === 'format') return 'exporter';
  return undefined;
}

const POINT_WORDS: Record<Point, string> = {
  strategy: 'strategy',
  callback: 'callback',
  exporter: 'exporter (format)',
  deployer: 'deployer (target)',
};

/**
 * Every problem in a run file's text: JSON syntax, the SDK's run schema, and names that no
 * installed plugin (or the SDK) registers, with a did-you-mean.
 * @example
 *   analyze('{"strategy": "mirored"}', catalog, sdk)[0].message; // 'Unknown strategy `mirored`. Did you mean `mirrored`? …'
 */
export function analyze(text: string, catalog: PluginCatalog, sdk: SdkApi): Problem[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    return errors.map((e) => ({
      start: e.offset,
      end: e.offset + Math.max(1, e.length),
      message: `JSON: ${printParseErrorCode(e.error)}`,
      severity: 'error',
    }));
  }
  const problems: Problem[] = [];
  const named = new Set<string>();
  visitNames(root, (point, node, path) => {
    named.add(path.join('.'));
    const name = node.value as string;
    const known = catalog[point].map((e) => e.name);
    if (known.includes(name)) return;
    const suggestion = sdk.closestMatch(name, known);
    problems.push({
      start: node.offset,
      end: node.offset + node.length,
      severity: 'error',
      message:
        `Unknown ${POINT_WORDS[point]} \`${name}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} ` +
        `Installed: ${known.join(', ') || 'none'}.`,
      ...(suggestion ? { suggestion } : {}),
    });
  });
  const result = sdk.validateRun(getNodeValue(root), { form: 'file' });
  if (!result.ok) {
    for (const issue of result.issues) {
      if (named.has(issue.path.join('.'))) continue; // already reported with the plugin names
      const { start, end } = rangeOf(root, issue.path);
      problems.push({
        start,
        end,
        severity: 'error',
        message: issue.hint ? `${issue.message} ${issue.hint}` : issue.message,
      });
    }
  }
  return problems;
}

/**
 * Problems with the options given to named plugins (the strategy's and each callback's; a
 * callback named alone gets none): each plugin judges its own options, as when the run starts.
 * @example
 *   await optionProblems('{"callbacks": [{"name": "early_stopping", "options": {"patience": -1}}]}', check);
 */
export async function optionProblems(text: string, check: OptionsChecker): Promise<Problem[]> {
  const root = parseTree(text);
  if (!root) return [];
  const targets: { point: 'strategy' | 'callback'; path: (string | number)[] }[] = [
    { point: 'strategy', path: ['strategy'] },
  ];
  const callbacks = findNodeAtLocation(root, ['callbacks'])?.children?.length ?? 0;
  for (let i = 0; i < callbacks; i++) targets.push({ point: 'callback', path: ['callbacks', i] });
  const problems: Problem[] = [];
  for (const { point, path } of targets) {
    const node = findNodeAtLocation(root, path);
    // 'early_stopping' alone is made with no options, as the run will.
    const name = node?.type === 'string' ? node : node && findNodeAtLocation(node, ['name']);
    const options = node?.type === 'object' ? findNodeAtLocation(node, ['options']) : undefined;
    if (name?.type !== 'string' || (options && options.type !== 'object')) continue;
    if (point === 'strategy' && !options) continue; // strategies take their options from the run
    const value = options ? (getNodeValue(options) as Record<string, unknown>) : {};
    const message = await check(point, name.value as string, value);
    const at = options ?? name;
    if (message) problems.push({ start: at.offset, end: at.offset + at.length, message, severity: 'error' });
  }
  return problems;
}

/** Calls `fn` for each string value that names a plugin-point entry. */
function visitNames(root: JsonNode, fn: (point: Point, node: JsonNode, path: (string | number)[]) => void): void {
  const candidates: (string | number)[][] = [['strategy'], ['strategy', 'name']];
  const count = (key: string) => findNodeAtLocation(root, [key])?.children?.length ?? 0;
  for (let i = 0; i < count('callbacks'); i++) candidates.push(['callbacks', i], ['callbacks', i, 'name']);
  for (let i = 0; i < count('exporters'); i++) candidates.push(['exporters', i, 'format']);
  for (const path of candidates) {
    const node = findNodeAtLocation(root, path);
    const point = pointAt(path);
    if (node?.type === 'string' && point) fn(point, node, path);
  }
}

/** The range to underline for an issue at `path`: the value, or the key of the deepest existing field. */
function rangeOf(root: JsonNode, path: readonly (string | number)[]): { start: number; end: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n) as (string | number)[]);
    if (!node) continue;
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if ((node.type === 'object' || node.type === 'array') && key)
      return { start: key.offset, end: key.offset + key.length };
    if (node.type === 'object' && !key) return { start: node.offset, end: node.offset + 1 };
    return { start: node.offset, end: node.offset + node.length };
  }
  return { start: 0, end: 1 };
}

/**
 * A completion: the name, where to put it, and its docs.
 * @example
 *   const c: Completion = { label: 'mirrored', detail: 'strategy', start: 14, end: 16, insert: 'mirrored' };
 */
export interface Completion {
  label: string;
  detail: string;
  documentation?: string;
  /** Replace [start, end) with `insert`. */
  start: number;
  end: number;
  insert: string;
}

/**
 * Names for the plugin point at `offset` (inside or at a value of `strategy`, `callbacks[i]`,
 * `exporters[i].format`): the SDK's and every installed plugin's.
 * @example
 *   complete('{"strategy": "mi"}', 15, catalog).map((c) => c.label); // ['one-device', 'mirrored', …]
 */
export function complete(text: string, offset: number, catalog: PluginCatalog): Completion[] {
  const location = getLocation(text, offset);
  if (location.isAtPropertyKey) return [];
  const point = pointAt(location.path);
  if (!point) return [];
  const node = location.previousNode ?? findNodeAtOffset(parseTree(text) ?? emptyNode, offset);
  // A string being typed may be unterminated ("mi at the end of a line): then it ends at the line.
  const closed = node !== undefined && node.length >= 2 && text[node.offset + node.length - 1] === '"';
  const stringEnd = node ? node.offset + node.length - (closed ? 1 : 0) : offset;
  const inString = node?.type === 'string' && offset > node.offset && offset <= stringEnd;
  const start = inString && node ? node.offset + 1 : offset;
  const end = inString ? stringEnd : offset;
  return catalog[point].map((e) => ({
    label: e.name,
    detail: `${POINT_WORDS[point]} · ${e.plugin ?? '@tfscale/sdk'}`,
    ...(e.description ? { documentation: e.description } : {}),
    start,
    end,
    insert: inString ? e.name : JSON.stringify(e.name),
  }));
}

const emptyNode: JsonNode = { type: 'null', offset: 0, length: 0 };

/**
 * Docs for what is under `offset`: a plugin name's description and package, or a field's
 * description from the run schema.
 * @example
 *   hover(text, offsetOfMirrored, catalog, sdk); // { start, end, markdown: '**mirrored** (strategy, @tfscale/sdk) …' }
 */
export function hover(
  text: string,
  offset: number,
  catalog: PluginCatalog,
  sdk: SdkApi,
): { start: number; end: number; markdown: string } | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  const node = findNodeAtOffset(root, offset);
  if (!node) return undefined;
  const location = getLocation(text, offset);
  const point = pointAt(location.path);
  if (node.type === 'string' && point && !location.isAtPropertyKey) {
    const entry: CatalogEntry | undefined = catalog[point].find((e) => e.name === node.value);
    if (!entry) return undefined;
    return {
      start: node.offset,
      end: node.offset + node.length,
      markdown:
        `**${entry.name}** (${POINT_WORDS[point]}, ${entry.plugin ?? '@tfscale/sdk'})\n\n${entry.description ?? ''}`.trim(),
    };
  }
  if (location.isAtPropertyKey) {
    const schema = schemaAt(sdk.runJsonSchema(), location.path);
    const text = schema && [schema.title && `**${schema.title}**`, schema.description].filter(Boolean).join('\n\n');
    if (!text) return undefined;
    return { start: node.offset, end: node.offset + node.length, markdown: text };
  }
  return undefined;
}

/**
 * The sub-schema describing the field at `path` (refs resolved, first matching union branch).
 * @example
 *   schemaAt(runJsonSchema(), ['data', 'batchSize'])?.description;
 */
export function schemaAt(root: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  const deref = (s: JsonSchema | undefined): JsonSchema | undefined => {
    if (!s?.$ref) return s;
    const name = s.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    return { ...root.$defs?.[name], ...s, $ref: undefined };
  };
  let current = deref(root);
  for (const seg of path) {
    if (!current) return undefined;
    const branches = [current, ...(current.anyOf ?? []), ...(current.oneOf ?? [])].map(deref);
    let next: JsonSchema | undefined;
    for (const b of branches) {
      next = typeof seg === 'number' ? b?.items : b?.properties?.[seg];
      if (next) break;
    }
    current = deref(next);
  }
  return current;
}
