// OpenAPI 3.x (as @nestjs/swagger emits it) → the SDK's generated TypeScript. Pure: no I/O, so it is unit-tested
// on small documents and the CLI (generate.mjs) only reads, compares and writes.

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const SCHEMA_REF_PREFIX = '#/components/schemas/';
/** Names the generated file declares itself; a component schema may not take them. */
const RESERVED_TYPE_NAMES = new Set(['ApiRequest', 'ApiTransport', 'GeneratedApi', 'HttpMethod']);
const RESERVED_MEMBER_NAMES = new Set(['constructor', 'transport']);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A document the generator cannot turn into a correct client; the message names the place. */
export class SpecError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SpecError';
  }
}

/** Code-point order, so output never depends on the machine's locale. */
function byCodePoint(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stringLiteral(value) {
  const body = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}

function literal(value) {
  return typeof value === 'string' ? stringLiteral(value) : JSON.stringify(value);
}

function propertyKey(name) {
  return IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/** `node-name` → `nodeName`: path parameters become argument names. */
function toIdentifier(name, where) {
  const camel = name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, next) => (next ? next.toUpperCase() : ''));
  const id = /^[0-9]/.test(camel) ? `_${camel}` : camel;
  if (!IDENTIFIER.test(id)) throw new SpecError(`${where}: cannot make an identifier of "${name}"`);
  return id;
}

/** True when `type` has a top-level `|` or `&`, so `[]` or `&` must not bind to only its last member. */
function needsParens(type) {
  let depth = 0;
  for (const ch of type) {
    if ('{([<'.includes(ch)) depth++;
    else if ('})]>'.includes(ch)) depth--;
    else if (depth === 0 && (ch === '|' || ch === '&')) return true;
  }
  return false;
}

function paren(type) {
  return needsParens(type) ? `(${type})` : type;
}

function union(types) {
  const unique = [
    ...new Set(types.flatMap((t) => (needsParens(t) && !t.includes('&') ? splitUnion(t) : [t]))),
  ];
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

function splitUnion(type) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const ch = type[i];
    if ('{([<'.includes(ch)) depth++;
    else if ('})]>'.includes(ch)) depth--;
    else if (depth === 0 && ch === '|') {
      parts.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(type.slice(start).trim());
  return parts;
}

function jsDoc(schemaOrOp, indent) {
  const lines = [];
  for (const text of [schemaOrOp.summary, schemaOrOp.description]) {
    if (typeof text === 'string' && text.trim()) lines.push(...text.trim().split('\n'));
  }
  if (schemaOrOp.format && typeof schemaOrOp.format === 'string') lines.push(`@format ${schemaOrOp.format}`);
  if (schemaOrOp.deprecated === true) lines.push('@deprecated');
  if (lines.length === 0) return [];
  const safe = lines.map((l) => l.replace(/\*\//g, '*\\/').trimEnd());
  if (safe.length === 1) return [`${indent}/** ${safe[0]} */`];
  return [`${indent}/**`, ...safe.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)), `${indent} */`];
}

/** Turns schemas into TypeScript type expressions, resolving `$ref`s to the component names. */
class TypeWriter {
  constructor(schemas) {
    this.names = new Map();
    for (const name of Object.keys(schemas)) {
      const id = toIdentifier(name, `components.schemas.${name}`);
      if (RESERVED_TYPE_NAMES.has(id))
        throw new SpecError(`components.schemas.${name}: name is reserved by the SDK`);
      if ([...this.names.values()].includes(id))
        throw new SpecError(`components.schemas: two schemas map to ${id}`);
      this.names.set(name, id);
    }
  }

  refName(ref, where) {
    if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF_PREFIX)) {
      throw new SpecError(`${where}: unsupported $ref ${JSON.stringify(ref)} (only ${SCHEMA_REF_PREFIX}*)`);
    }
    const name = decodeURIComponent(ref.slice(SCHEMA_REF_PREFIX.length))
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    const id = this.names.get(name);
    if (!id) throw new SpecError(`${where}: $ref to missing schema ${name}`);
    return id;
  }

  typeOf(schema, where) {
    if (schema === true || schema === undefined || schema === null) return 'unknown';
    if (typeof schema !== 'object') throw new SpecError(`${where}: schema is not an object`);
    const nullable = schema.nullable === true;
    if (schema.$ref !== undefined) return this.withNull(this.refName(schema.$ref, where), nullable);
    let type;
    if (schema.const !== undefined) type = literal(schema.const);
    else if (Array.isArray(schema.enum)) type = union(schema.enum.map(literal));
    else if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
      const members = schema.oneOf ?? schema.anyOf;
      type = union(members.map((s, i) => this.typeOf(s, `${where}.oneOf[${i}]`)));
    } else if (Array.isArray(schema.allOf)) {
      const members = schema.allOf.map((s, i) => this.typeOf(s, `${where}.allOf[${i}]`));
      type = members.length === 1 ? members[0] : members.map(paren).join(' & ');
    } else if (Array.isArray(schema.type)) {
      // OpenAPI 3.1: `type: ["string", "null"]`.
      type = union(schema.type.map((t) => this.typeOf({ ...schema, type: t, nullable: false }, where)));
    } else {
      type = this.typeOfKind(schema, where);
    }
    return this.withNull(type, nullable);
  }

  typeOfKind(schema, where) {
    switch (schema.type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array':
        return `${paren(this.typeOf(schema.items, `${where}.items`))}[]`;
      case 'object':
        return this.inlineObject(schema, where);
      case undefined:
        return schema.properties || schema.additionalProperties
          ? this.inlineObject(schema, where)
          : 'unknown';
      default:
        throw new SpecError(`${where}: unsupported type ${JSON.stringify(schema.type)}`);
    }
  }

  withNull(type, nullable) {
    return nullable ? union([type, 'null']) : type;
  }

  properties(schema, where) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    return Object.entries(schema.properties ?? {}).map(([name, prop]) => ({
      name,
      prop,
      optional: !required.has(name),
      type: this.typeOf(prop, `${where}.properties.${name}`),
    }));
  }

  indexSignature(schema, where) {
    const extra = schema.additionalProperties;
    if (extra === undefined || extra === false) return undefined;
    return extra === true ? 'unknown' : this.typeOf(extra, `${where}.additionalProperties`);
  }

  inlineObject(schema, where) {
    const props = this.properties(schema, where);
    const index = this.indexSignature(schema, where);
    if (props.length === 0) return `Record<string, ${index ?? 'unknown'}>`;
    const members = props.map((p) => `${propertyKey(p.name)}${p.optional ? '?' : ''}: ${p.type}`);
    // Declared properties must fit the index signature, so a mixed object keeps it loose.
    if (index) members.push('[key: string]: unknown');
    return `{ ${members.join('; ')} }`;
  }

  /** A component schema: an interface when it is a plain object, otherwise a type alias. */
  declaration(name, schema) {
    const id = this.names.get(name);
    const where = `components.schemas.${name}`;
    const isPlainObject =
      schema &&
      (schema.type === 'object' || (schema.type === undefined && schema.properties)) &&
      !schema.$ref &&
      !schema.allOf &&
      !schema.oneOf &&
      !schema.anyOf &&
      !schema.enum &&
      schema.nullable !== true;
    const lines = jsDoc(schema ?? {}, '');
    if (!isPlainObject) return [...lines, `export type ${id} = ${this.typeOf(schema, where)};`];
    lines.push(`export interface ${id} {`);
    for (const p of this.properties(schema, where)) {
      lines.push(...jsDoc(p.prop && !p.prop.$ref ? p.prop : {}, '  '));
      lines.push(`  ${propertyKey(p.name)}${p.optional ? '?' : ''}: ${p.type};`);
    }
    const index = this.indexSignature(schema, where);
    if (index) lines.push('  [key: string]: unknown;');
    lines.push('}');
    return lines;
  }
}

function jsonSchemaOf(content, where) {
  const media = Object.keys(content ?? {});
  const json = media.find((m) => m === 'application/json' || /^application\/[^;]*\+json/.test(m));
  if (json) return { kind: 'json', schema: content[json].schema };
  if (media.some((m) => m.startsWith('text/'))) return { kind: 'text' };
  if (media.length === 0) return { kind: 'none' };
  throw new SpecError(
    `${where}: media types [${media.join(', ')}] not supported (only application/json, text/*)`,
  );
}

function returnType(op, types, where) {
  // Error bodies are not typed into the API, but a broken $ref there is still a broken document.
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const schema = response?.content?.['application/json']?.schema;
    if (schema) types.typeOf(schema, `${where}.responses.${status}`);
  }
  const statuses = Object.keys(op.responses ?? {})
    .filter((s) => /^2\d\d$/.test(s))
    .sort(byCodePoint);
  for (const status of statuses) {
    const response = op.responses[status];
    if (response?.$ref) throw new SpecError(`${where}.responses.${status}: response $ref not supported`);
    const body = jsonSchemaOf(response?.content, `${where}.responses.${status}`);
    if (body.kind === 'json') return types.typeOf(body.schema, `${where}.responses.${status}`);
    if (body.kind === 'text') return 'string';
  }
  return 'void';
}

/** An operation answering with server-sent events cannot be a request/response method; the SDK hand-writes it. */
function isEventStream(op) {
  return Object.entries(op.responses ?? {}).some(
    ([status, response]) =>
      /^2\d\d$/.test(status) &&
      Object.keys(response?.content ?? {}).some((m) => /^text\/event-stream\b/.test(m)),
  );
}

function collectOperations(doc, types, omit = {}) {
  const operations = [];
  const omitted = [];
  const seen = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const label = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string' || !op.operationId)
        throw new SpecError(`${label}: no operationId`);
      const name = toIdentifier(op.operationId, label);
      if (RESERVED_MEMBER_NAMES.has(name)) throw new SpecError(`${label}: operationId ${name} is reserved`);
      if (seen.has(name))
        throw new SpecError(`${label}: operationId ${name} is also used by ${seen.get(name)}`);
      seen.set(name, label);
      const reason = Object.hasOwn(omit, op.operationId)
        ? omit[op.operationId]
        : isEventStream(op)
          ? 'server-sent events'
          : undefined;
      if (reason !== undefined) omitted.push({ name, label, reason });
      else operations.push(describeOperation({ path, method, op, item, name, label }, types));
    }
  }
  for (const id of Object.keys(omit)) {
    if (!seen.has(toIdentifier(id, 'omit'))) throw new SpecError(`omit: the document has no operation ${id}`);
  }
  const order = (a, b) => byCodePoint(a.name, b.name);
  return { operations: operations.sort(order), omitted: omitted.sort(order) };
}

function describeOperation({ path, method, op, item, name, label }, types) {
  const where = `paths.${path}.${method}`;
  const params = [...(item.parameters ?? []), ...(op.parameters ?? [])];
  for (const p of params) if (p.$ref) throw new SpecError(`${label}: parameter $ref not supported`);
  const templateNames = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const pathParams = templateNames.map((pname) => {
    const declared = params.find((p) => p.in === 'path' && p.name === pname);
    if (!declared) throw new SpecError(`${label}: path parameter {${pname}} is not declared`);
    return {
      name: pname,
      arg: toIdentifier(pname, label),
      type: types.typeOf(declared.schema, `${where}.${pname}`),
    };
  });
  const clash = pathParams.find((p) => p.arg === 'body' || p.arg === 'query');
  if (clash) throw new SpecError(`${label}: path parameter {${clash.name}} clashes with an argument name`);
  const query = params.filter((p) => p.in === 'query');
  for (const p of params) {
    if ((p.in === 'header' || p.in === 'cookie') && p.required) {
      throw new SpecError(`${label}: required ${p.in} parameter ${p.name} not supported`);
    }
  }
  const args = pathParams.map((p) => ({ code: `${p.arg}: ${p.type}`, optional: false }));
  let body;
  if (op.requestBody) {
    if (op.requestBody.$ref) throw new SpecError(`${label}: requestBody $ref not supported`);
    const content = jsonSchemaOf(op.requestBody.content, `${label} requestBody`);
    if (content.kind !== 'json') throw new SpecError(`${label}: request body must be application/json`);
    body = {
      type: types.typeOf(content.schema, `${where}.requestBody`),
      optional: op.requestBody.required !== true,
    };
    args.push({ code: `body${body.optional ? '?' : ''}: ${body.type}`, optional: body.optional });
  }
  if (query.length > 0) {
    const members = query.map(
      (p) =>
        `${propertyKey(p.name)}${p.required ? '' : '?'}: ${types.typeOf(p.schema, `${where}.query.${p.name}`)}`,
    );
    const optional = !query.some((p) => p.required);
    args.push({ code: `query${optional ? '?' : ''}: { ${members.join('; ')} }`, optional });
  }
  // Required arguments first, so an optional body never precedes a required query.
  args.sort((a, b) => Number(a.optional) - Number(b.optional));
  const pathCode = pathParams.length
    ? '`' +
      path
        .replace(/`/g, '\\`')
        .replace(/\$\{/g, '\\${')
        .replace(/\{([^}]+)\}/g, (_m, pname) => {
          const param = pathParams.find((p) => p.name === pname);
          return `\${encodeURIComponent(String(${param.arg}))}`;
        }) +
      '`'
    : stringLiteral(path);
  return {
    name,
    op,
    label,
    args,
    method: method.toUpperCase(),
    pathCode,
    hasBody: Boolean(body),
    hasQuery: query.length > 0,
    returns: returnType(op, types, where),
  };
}

function renderOperation(o) {
  const fields = [`method: '${o.method}'`, `path: ${o.pathCode}`];
  if (o.hasQuery) fields.push('query');
  if (o.hasBody) fields.push('body');
  const doc = jsDoc(
    { summary: o.op.summary, description: o.op.description, deprecated: o.op.deprecated },
    '  ',
  );
  const routeLine = `\`${o.label}\``;
  const withRoute = doc.length === 0 ? [`  /** ${routeLine} */`] : addRoute(doc, routeLine);
  return [
    ...withRoute,
    `  async ${o.name}(${o.args.map((a) => a.code).join(', ')}): Promise<${o.returns}> {`,
    `    return this.transport.request<${o.returns}>({ ${fields.join(', ')} });`,
    '  }',
  ];
}

function addRoute(doc, routeLine) {
  if (doc.length === 1) {
    const text = doc[0].replace(/^ {2}\/\*\* /, '').replace(/ \*\/$/, '');
    return ['  /**', `   * ${text}`, `   * ${routeLine}`, '   */'];
  }
  return [...doc.slice(0, -1), `   * ${routeLine}`, doc[doc.length - 1]];
}

function validateDocument(doc) {
  if (!doc || typeof doc !== 'object') throw new SpecError('document is not a JSON object');
  if (typeof doc.openapi !== 'string' || !/^3\./.test(doc.openapi)) {
    throw new SpecError(`not an OpenAPI 3.x document (openapi: ${JSON.stringify(doc.openapi)})`);
  }
  if (!doc.paths || typeof doc.paths !== 'object') throw new SpecError('document has no paths');
}

/**
 * Renders the whole generated module for an OpenAPI document; throws SpecError on what it cannot represent.
 * `options.omit` maps operationIds the SDK writes by hand to the reason (named in a comment instead of a method);
 * operations answering `text/event-stream` are always left out.
 */
export function renderApi(doc, options = {}) {
  validateDocument(doc);
  const schemas = doc.components?.schemas ?? {};
  const types = new TypeWriter(schemas);
  const { operations, omitted } = collectOperations(doc, types, options.omit ?? {});
  const title = [doc.info?.title, doc.info?.version].filter(Boolean).join(' ');
  const out = [
    `// Generated by tools/sdk-gen/generate.mjs from the OpenAPI document${title ? ` "${title}"` : ''}. Do not edit:`,
    '// regenerate with `node tools/sdk-gen/generate.mjs` (CI runs it with --check to catch drift).',
    '/* eslint-disable */',
    '',
    "export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';",
    '',
    '/** One API call, as the generated methods describe it to the transport. */',
    'export interface ApiRequest {',
    '  method: HttpMethod;',
    '  /** Path with parameters already substituted and encoded. */',
    '  path: string;',
    '  /** Query parameters; `undefined` values are left out, arrays repeat the key. */',
    '  query?: Record<string, unknown>;',
    '  /** JSON request body. */',
    '  body?: unknown;',
    '}',
    '',
    '/** Carries requests to the server; resolves with the decoded body of a 2xx answer, rejects otherwise. */',
    'export interface ApiTransport {',
    '  request<T>(request: ApiRequest): Promise<T>;',
    '}',
  ];
  for (const name of Object.keys(schemas).sort(byCodePoint)) {
    out.push('', ...types.declaration(name, schemas[name]));
  }
  out.push(
    '',
    '/** One method per operation of the document, sorted by operationId. */',
    'export class GeneratedApi {',
  );
  out.push('  constructor(protected readonly transport: ApiTransport) {}');
  if (omitted.length > 0) {
    out.push('', '  // Not generated (written by hand in the SDK):');
    for (const o of omitted) out.push(`  //   ${o.name} \`${o.label}\`: ${o.reason}`);
  }
  for (const o of operations) out.push('', ...renderOperation(o));
  out.push('}', '');
  return out.join('\n');
}

/** Counts for the CLI's one-line summary. */
export function summarize(doc) {
  const operations = Object.values(doc.paths ?? {}).flatMap((item) => HTTP_METHODS.filter((m) => item?.[m]));
  return { schemas: Object.keys(doc.components?.schemas ?? {}).length, operations: operations.length };
}
