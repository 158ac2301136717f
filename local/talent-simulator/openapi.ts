import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The OpenAPI document that the simulator and the client share. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../lib/talent/openapi.yaml', import.meta.url));

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const SCHEMA_BASE = 'talent';
const RESPONSE_SCHEMA_BASE = 'talent-response';

type Json = Record<string, unknown>;

/** An operation of the document with its validators, compiled once at start. */
export interface CompiledOperation {
  operationId: string;
  method: string;
  /** The path template, for example `/users/{email}`. */
  template: string;
  pathParams: ParameterValidator;
  query: ParameterValidator;
  body?: { required: boolean; validate: ValidateFunction };
  responses: Map<string, ValidateFunction | undefined>;
}

export interface ParameterValidator {
  names: string[];
  validate: ValidateFunction;
}

interface PathEntry {
  template: string;
  segments: string[];
  operations: Map<string, CompiledOperation>;
}

export type RouteMatch =
  | { kind: 'operation'; operation: CompiledOperation; pathParams: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' }
  | { kind: 'bad-path'; message: string };

/**
 * The document compiled for the simulator: a router over its paths and Ajv 2020 validators for
 * parameters, bodies and responses.
 */
export class TalentApiDocument {
  private readonly paths: PathEntry[];
  private readonly requestAjv: Ajv2020;
  private readonly branchValidators = new WeakMap<object, ValidateFunction>();
  readonly operations: ReadonlyMap<string, CompiledOperation>;

  constructor(document: Json = loadDocument()) {
    const schemas = (document.components as Json | undefined)?.schemas as Json | undefined;
    if (!schemas) throw new Error(`${OPENAPI_PATH} has no components.schemas`);
    const parameters = ((document.components as Json).parameters ?? {}) as Json;
    const responses = ((document.components as Json).responses ?? {}) as Json;

    const requestAjv = createAjv({ coerceTypes: false });
    this.requestAjv = requestAjv;
    requestAjv.addSchema({ $id: SCHEMA_BASE, $defs: toJsonSchema(schemas) });
    const parameterAjv = createAjv({ coerceTypes: true });
    parameterAjv.addSchema({ $id: SCHEMA_BASE, $defs: toJsonSchema(schemas) });
    const responseAjv = createAjv({ coerceTypes: false });
    responseAjv.addSchema({ $id: RESPONSE_SCHEMA_BASE, $defs: closeObjects(toJsonSchema(schemas)) });

    const resolve = (value: unknown, section: Json, kind: string): Json => {
      const ref = (value as Json).$ref;
      if (typeof ref !== 'string') return value as Json;
      const name = ref.replace(`#/components/${kind}/`, '');
      const target = section[name];
      if (!target) throw new Error(`${OPENAPI_PATH}: unresolved ${ref}`);
      return target as Json;
    };

    this.paths = [];
    const operations = new Map<string, CompiledOperation>();
    for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
      const shared = ((item.parameters ?? []) as unknown[]).map((p) => resolve(p, parameters, 'parameters'));
      const entry: PathEntry = { template, segments: splitPath(template), operations: new Map() };

      for (const method of HTTP_METHODS) {
        const operation = item[method] as Json | undefined;
        if (!operation) continue;
        const operationId = String(operation.operationId);
        const own = ((operation.parameters ?? []) as unknown[]).map((p) =>
          resolve(p, parameters, 'parameters'),
        );
        const all = [...shared, ...own];

        const compiled: CompiledOperation = {
          operationId,
          method: method.toUpperCase(),
          template,
          pathParams: compileParameters(parameterAjv, all, 'path'),
          query: compileParameters(parameterAjv, all, 'query'),
          responses: compileResponses(responseAjv, (operation.responses ?? {}) as Json, (value) =>
            resolve(value, responses, 'responses'),
          ),
        };
        const requestBody = operation.requestBody as Json | undefined;
        const bodySchema = requestBody && jsonSchemaOf(requestBody);
        if (requestBody && bodySchema) {
          compiled.body = {
            required: requestBody.required === true,
            validate: requestAjv.compile(rebase(bodySchema, SCHEMA_BASE)),
          };
        }
        entry.operations.set(compiled.method, compiled);
        operations.set(operationId, compiled);
      }
      this.paths.push(entry);
    }
    // Literal segments win over templated ones, so /users/bulk is not read as /users/{email}.
    this.paths.sort((a, b) => literalRank(b.segments) - literalRank(a.segments));
    this.operations = operations;
  }

  /** Finds the operation for a method and a path relative to the API base, for example `/users/a%40b.org`. */
  match(method: string, path: string): RouteMatch {
    const segments = splitPath(path);
    for (const entry of this.paths) {
      if (entry.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (const [index, pattern] of entry.segments.entries()) {
        const actual = segments[index] ?? '';
        if (pattern.startsWith('{') && pattern.endsWith('}')) {
          const decoded = decodeSegment(actual);
          if (decoded === undefined) {
            return { kind: 'bad-path', message: `path segment "${actual}" is not valid percent-encoding` };
          }
          params[pattern.slice(1, -1)] = decoded;
        } else if (pattern !== actual) {
          matched = false;
          break;
        }
      }
      if (!matched) continue;

      const operation = entry.operations.get(method.toUpperCase());
      if (!operation) return { kind: 'method-not-allowed', allowed: [...entry.operations.keys()] };
      return { kind: 'operation', operation, pathParams: params };
    }
    return { kind: 'not-found' };
  }

  /**
   * Turns Ajv errors into one message that names the field and the rule, for example
   * `body field 'role' must be one of: Teacher, Coach, Admin`.
   */
  describeErrors(errors: ErrorObject[] | null | undefined, location: ValueLocation): string {
    const all = errors ?? [];
    const oneOf = all.find((error) => error.keyword === 'oneOf');
    if (oneOf) return this.describeOneOf(oneOf, location);

    const primary = all.find((error) => error.keyword !== 'if' && error.keyword !== 'anyOf') ?? all[0];
    if (!primary) return `${location === 'body' ? 'body' : location} is invalid`;
    const { field, rule } = describeError(primary);
    const context = ifContext(all);
    const message = `${subject(location, field)} ${rule}`;
    return context ? `${message} (${context})` : message;
  }

  /**
   * Explains a failed oneOf by the branch that came closest to passing. Ajv reports errors from
   * referenced schemas under the referenced schema's path, so the branches are validated again one by
   * one instead of sorting the errors by path.
   */
  private describeOneOf(error: ErrorObject, location: ValueLocation): string {
    const branches = Array.isArray(error.schema) ? (error.schema as Json[]) : [];
    const description = (error.parentSchema as Json | undefined)?.description;
    const forms = typeof description === 'string' ? `: ${lowerFirst(description.replace(/\.$/, ''))}` : '';
    const fallback = `${subject(location, error.instancePath)} must match exactly one allowed form${forms}`;
    if (Array.isArray((error.params as { passingSchemas?: unknown }).passingSchemas)) return fallback;

    const results = branches.map((branch) => {
      let validate = this.branchValidators.get(branch);
      if (!validate) {
        validate = this.requestAjv.compile(rebase(branch, SCHEMA_BASE));
        this.branchValidators.set(branch, validate);
      }
      validate(error.data);
      return (validate.errors ?? []).map((inner) => ({
        ...inner,
        instancePath: error.instancePath + inner.instancePath,
      }));
    });
    const sizes = results.map((list) => list.length).sort((a, b) => a - b);
    const closest = results.find((list) => list.length === sizes[0]);
    if (!closest || sizes[0] === 0 || sizes[0] === sizes[1]) return fallback;
    return this.describeErrors(closest, location);
  }
}

export function loadDocument(path = OPENAPI_PATH): Json {
  return parse(readFileSync(path, 'utf8')) as Json;
}

function createAjv(options: { coerceTypes: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    // if/then branches and oneOf branches name properties that the enclosing schema declares.
    strictTypes: false,
    strictRequired: false,
    coerceTypes: options.coerceTypes,
  });
  addFormats(ajv, ['email', 'uri', 'date-time', 'date']);
  return ajv;
}

/** OpenAPI-only keywords that Ajv's strict mode would reject; they carry no validation. */
const ANNOTATION_KEYS = new Set(['example', 'discriminator', 'xml', 'externalDocs']);

/** Copies a schema, dropping OpenAPI annotations and pointing component refs at `#/$defs`. */
function toJsonSchema<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => toJsonSchema(item)) as T;
  if (typeof value !== 'object' || value === null) return value;

  const copy: Json = {};
  for (const [key, child] of Object.entries(value as Json)) {
    if (key.startsWith('x-') || ANNOTATION_KEYS.has(key)) continue;
    if (key === '$ref' && typeof child === 'string') {
      copy.$ref = child.replace('#/components/schemas/', '#/$defs/');
      continue;
    }
    copy[key] = toJsonSchema(child);
  }
  return copy as T;
}

/** Points the refs of a schema outside the defs schema at the defs schema with the given id. */
function rebase(schema: Json, base: string): Json {
  const text = JSON.stringify(toJsonSchema(schema));
  return JSON.parse(text.replaceAll('"$ref":"#/$defs/', `"$ref":"${base}#/$defs/`)) as Json;
}

/**
 * Sets `additionalProperties: false` on every object schema that lists properties and does not set
 * it already. The document keeps responses open for a live tenant, but the simulator's own
 * responses must not carry fields the document does not describe.
 */
function closeObjects<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => closeObjects(item)) as T;
  if (typeof value !== 'object' || value === null) return value;

  const copy: Json = {};
  for (const [key, child] of Object.entries(value as Json)) copy[key] = closeObjects(child);
  if ('properties' in copy && !('additionalProperties' in copy) && !('unevaluatedProperties' in copy)) {
    copy.additionalProperties = false;
  }
  return copy as T;
}

function jsonSchemaOf(content: Json): Json | undefined {
  const media = (content.content as Json | undefined)?.['application/json'] as Json | undefined;
  return media?.schema as Json | undefined;
}

function compileParameters(ajv: Ajv2020, parameters: Json[], location: 'path' | 'query'): ParameterValidator {
  const selected = parameters.filter((parameter) => parameter.in === location);
  const properties: Json = {};
  const required: string[] = [];
  for (const parameter of selected) {
    const name = String(parameter.name);
    properties[name] = parameter.schema ?? {};
    if (parameter.required === true) required.push(name);
  }
  const schema = rebase({ type: 'object', properties, required, additionalProperties: false }, SCHEMA_BASE);
  return { names: selected.map((parameter) => String(parameter.name)), validate: ajv.compile(schema) };
}

function compileResponses(
  ajv: Ajv2020,
  responses: Json,
  resolve: (value: unknown) => Json,
): Map<string, ValidateFunction | undefined> {
  const compiled = new Map<string, ValidateFunction | undefined>();
  for (const [status, response] of Object.entries(responses)) {
    const schema = jsonSchemaOf(resolve(response));
    const rebased = schema && closeObjects(rebase(schema, RESPONSE_SCHEMA_BASE));
    compiled.set(status, rebased ? ajv.compile(rebased) : undefined);
  }
  return compiled;
}

/** Picks the response validator for a status: exact code, then a range such as `5XX`, then `default`. */
export function responseValidator(
  operation: CompiledOperation,
  status: number,
): { found: boolean; validate?: ValidateFunction } {
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
    if (operation.responses.has(key)) return { found: true, validate: operation.responses.get(key) };
  }
  return { found: false };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function literalRank(segments: string[]): number {
  return segments.reduce(
    (rank, segment, index) => (segment.startsWith('{') ? rank : rank + 2 ** (8 - index)),
    0,
  );
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The source of an invalid value, for messages such as `body field 'role' must be …`. */
export type ValueLocation = 'body' | 'query parameter' | 'path parameter';

function ifContext(errors: ErrorObject[]): string | undefined {
  const failedIf = errors.find((error) => error.keyword === 'if');
  if (!failedIf) return undefined;
  const branch = (failedIf.params as { failingKeyword?: string }).failingKeyword;
  const schema = failedIf.parentSchema as Json | undefined;
  const description = branch ? (schema?.[branch] as Json | undefined)?.description : undefined;
  return typeof description === 'string' ? description : undefined;
}

function describeError(error: ErrorObject): { field: string; rule: string } {
  const params = error.params as Record<string, unknown>;
  const base = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { field: `${base}/${String(params.missingProperty)}`, rule: 'is required' };
    case 'additionalProperties': {
      const allowed = Object.keys(((error.parentSchema as Json | undefined)?.properties ?? {}) as Json);
      const list = allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : '';
      return { field: `${base}/${String(params.additionalProperty)}`, rule: `is not allowed${list}` };
    }
    case 'false schema':
      return { field: base, rule: 'is not allowed' };
    case 'enum':
      return { field: base, rule: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { field: base, rule: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { field: base, rule: `must be ${article(String(params.type))}` };
    case 'format':
      return { field: base, rule: `must be a valid ${FORMAT_NAMES[String(params.format)] ?? params.format}` };
    case 'minimum':
      return { field: base, rule: `must be at least ${params.limit}` };
    case 'maximum':
      return { field: base, rule: `must be at most ${params.limit}` };
    case 'minLength':
      return {
        field: base,
        rule: params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} characters`,
      };
    case 'minItems':
      return {
        field: base,
        rule: `must have at least ${params.limit} ${params.limit === 1 ? 'item' : 'items'}`,
      };
    case 'minProperties':
      return {
        field: base,
        rule: `must contain at least ${params.limit} ${params.limit === 1 ? 'field' : 'fields'}`,
      };
    default:
      return { field: base, rule: error.message ?? 'is invalid' };
  }
}

const FORMAT_NAMES: Record<string, string> = {
  email: 'e-mail address',
  uri: 'absolute URL',
  'date-time': 'ISO-8601 date-time',
  date: 'date (YYYY-MM-DD)',
};

function article(type: string): string {
  const names = type.split(',');
  return names.map((name) => (/^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`)).join(' or ');
}

/** `/invites/0/email` becomes `invites[0].email`. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((name, part) => {
      if (/^\d+$/.test(part)) return `${name}[${part}]`;
      return name ? `${name}.${part}` : part;
    }, '');
}

function subject(location: ValueLocation, pointer: string): string {
  const field = fieldName(pointer);
  if (location === 'body') return field ? `body field '${field}'` : 'body';
  return field ? `${location} '${field}'` : `${location}s`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
