/**
 * Keeps values.yaml, its `# --` documentation and values.schema.json in step: every declared value
 * is documented, every value is in the schema and every property of the schema is in values.yaml.
 */

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  description?: string;
  [keyword: string]: unknown;
}

export interface ValuesSchema extends SchemaNode {
  $defs?: Record<string, SchemaNode>;
}

/** Follows `#/$defs/<name>` references. */
export function resolveNode(schema: ValuesSchema, node: SchemaNode): SchemaNode {
  let current = node;
  for (let hops = 0; current.$ref; hops++) {
    const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
    const target = match ? schema.$defs?.[match[1]!] : undefined;
    if (!target || hops > 10) throw new Error(`values.schema.json: unresolvable $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

/** $defs that describe one value (a selector, resources, a list...), documented as a whole. */
const VALUE_TYPES = new Set(['selector', 'resources', 'optionalResources', 'stringMap', 'args', 'ports', 'networkPolicyRules', 'probesOrEmpty', 'quantity', 'port']);

/**
 * A group of declared values (documented key by key) rather than one value: an object schema that
 * declares its properties and refuses others, and is not one of the value types above.
 */
export function isGroup(schema: ValuesSchema, node: SchemaNode | undefined): boolean {
  if (!node) return false;
  const ref = /^#\/\$defs\/(.+)$/.exec(node.$ref ?? '')?.[1];
  if (ref && VALUE_TYPES.has(ref)) return false;
  const resolved = resolveNode(schema, node);
  return !!resolved.properties && resolved.additionalProperties === false;
}

/** Schema node of a dotted path, or undefined when the schema does not declare it. */
export function schemaAt(schema: ValuesSchema, path: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const key of path) {
    if (!node) return undefined;
    const resolved: SchemaNode = resolveNode(schema, node);
    node = resolved.properties?.[key];
  }
  return node ? resolveNode(schema, node) : undefined;
}

/** Like schemaAt, but the last node is returned as written (its $ref not followed). */
export function rawSchemaAt(schema: ValuesSchema, path: string[]): SchemaNode | undefined {
  const parent = path.length > 1 ? schemaAt(schema, path.slice(0, -1)) : schema;
  return parent?.properties?.[path[path.length - 1]!];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Declared value paths (keys whose parent declares properties), from a values object. */
export function declaredPaths(schema: ValuesSchema, values: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  if (prefix.length && !isGroup(schema, rawSchemaAt(schema, prefix))) return out;
  for (const [key, value] of Object.entries(values)) {
    const path = [...prefix, key];
    out.push(path);
    if (isPlainObject(value)) out.push(...declaredPaths(schema, value, path));
  }
  return out;
}

/** Paths present in values.yaml but absent from the schema, and schema properties absent from values.yaml. */
export function schemaDrift(schema: ValuesSchema, values: Record<string, unknown>): { notInSchema: string[]; notInValues: string[] } {
  const notInSchema: string[] = [];
  const notInValues: string[] = [];
  const walk = (node: SchemaNode, value: unknown, path: string[]) => {
    if (path.length && !isGroup(schema, node)) return;
    const resolved = resolveNode(schema, node);
    if (!resolved.properties) return;
    const obj = isPlainObject(value) ? value : {};
    for (const key of Object.keys(obj)) {
      if (!(key in resolved.properties)) notInSchema.push([...path, key].join('.'));
    }
    for (const [key, child] of Object.entries(resolved.properties)) {
      if (!(key in obj)) notInValues.push([...path, key].join('.'));
      else walk(child, obj[key], [...path, key]);
    }
  };
  walk(schema, values, []);
  return { notInSchema, notInValues };
}

/** Dotted paths of the keys of a YAML file that a `# --` comment documents (the comment block right above the key). */
export function documentedPaths(yamlText: string): Set<string> {
  const documented = new Set<string>();
  const stack: { indent: number; key: string }[] = [];
  let commentBlock: string[] = [];
  for (const line of yamlText.split('\n')) {
    const comment = /^\s*#(.*)$/.exec(line);
    if (comment) {
      commentBlock.push(comment[1]!.trim());
      continue;
    }
    if (!line.trim()) {
      commentBlock = [];
      continue;
    }
    const key = /^(\s*)([A-Za-z0-9_.\-/]+):(\s|$)/.exec(line);
    if (key) {
      const indent = key[1]!.length;
      while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
      stack.push({ indent, key: key[2]! });
      if (commentBlock.some((c) => c.startsWith('-- '))) documented.add(stack.map((s) => s.key).join('.'));
    }
    commentBlock = [];
  }
  return documented;
}

/**
 * Declared values without a `# --` comment. Groups (objects whose schema declares properties) need
 * none; every leaf and every free-form map or list does.
 */
export function undocumentedValues(schema: ValuesSchema, values: Record<string, unknown>, yamlText: string): string[] {
  const documented = documentedPaths(yamlText);
  return declaredPaths(schema, values)
    .filter((path) => !isGroup(schema, rawSchemaAt(schema, path)))
    .map((path) => path.join('.'))
    .filter((path) => !documented.has(path));
}
