// A small JSON Schema (2020-12) validator for the subset the OpenAPI document uses (what zod emits), so
// tests can check real replies against the documented schemas. A keyword it does not know is an error,
// never silently passed.

type Schema = Record<string, unknown> | boolean;

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'description',
  'default',
  'title',
  'examples',
  'id',
]);

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

export class SchemaValidator {
  constructor(private readonly root: Record<string, unknown>) {}

  /** Every problem with `value` against `schema`, as `path: message`; empty when it matches. */
  validate(schema: Schema, value: unknown, path = '$'): string[] {
    if (schema === true) return [];
    if (schema === false) return [`${path}: no value is allowed here`];
    const problems: string[] = [];
    const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
    if (unknown.length > 0)
      return [`${path}: schema keywords this validator does not know: ${unknown.join(', ')}`];

    if (typeof schema.$ref === 'string')
      problems.push(...this.validate(this.resolve(schema.$ref), value, path));
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      const actual = typeOf(value);
      if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
        return [...problems, `${path}: expected ${types.join('|')}, got ${actual}`];
      }
    }
    if (schema.enum && !(schema.enum as unknown[]).some((e) => e === value)) {
      problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    if ('const' in schema && schema.const !== value) {
      problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
    }
    if (typeof value === 'string') {
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
        problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
        problems.push(`${path}: not a date-time`);
      if (typeof schema.minLength === 'number' && value.length < schema.minLength)
        problems.push(`${path}: shorter than ${schema.minLength}`);
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
        problems.push(`${path}: longer than ${schema.maxLength}`);
    }
    if (typeof value === 'number') {
      if (typeof schema.minimum === 'number' && value < schema.minimum)
        problems.push(`${path}: below minimum`);
      if (typeof schema.maximum === 'number' && value > schema.maximum)
        problems.push(`${path}: above maximum`);
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems)
        problems.push(`${path}: too few items`);
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
        problems.push(`${path}: too many items`);
      if (schema.items !== undefined) {
        value.forEach((item, i) => {
          problems.push(...this.validate(schema.items as Schema, item, `${path}[${i}]`));
        });
      }
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const name of (schema.required ?? []) as string[]) {
        if (!(name in obj)) problems.push(`${path}: missing ${name}`);
      }
      for (const [name, v] of Object.entries(obj)) {
        if (name in props) problems.push(...this.validate(props[name]!, v, `${path}.${name}`));
        else if (schema.additionalProperties !== undefined)
          problems.push(...this.validate(schema.additionalProperties as Schema, v, `${path}.${name}`));
        if (schema.propertyNames !== undefined)
          problems.push(...this.validate(schema.propertyNames as Schema, name, `${path}{${name}}`));
      }
    }
    if (schema.allOf)
      for (const s of schema.allOf as Schema[]) problems.push(...this.validate(s, value, path));
    if (schema.anyOf) {
      const all = (schema.anyOf as Schema[]).map((s) => this.validate(s, value, path));
      if (!all.some((p) => p.length === 0))
        problems.push(`${path}: matches none of anyOf (${all.map((p) => p[0]).join('; ')})`);
    }
    if (schema.oneOf) {
      const matches = (schema.oneOf as Schema[]).filter((s) => this.validate(s, value, path).length === 0);
      if (matches.length !== 1) problems.push(`${path}: matches ${matches.length} of oneOf, not exactly one`);
    }
    return problems;
  }

  private resolve(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs: ${ref}`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split('/')) {
      node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as Schema;
  }
}
