// Compares two OpenAPI 3.1 documents of one contract and classifies every change for the release gate.
// api-smart-diff does the work (it resolves $refs, maps paths, parameters and media types, and knows which
// way each JSON Schema keyword tightens in a request and in a response). What it gets wrong for our
// documents is corrected here, each in a small function tested in scripts/test/contracts-check.test.ts:
// - it mutates its inputs: we pass copies;
// - it reports changes under components/schemas (and parameters, headers) a second time, out of context,
//   after already reporting them in every operation that uses them: those are dropped;
// - for a response it reverses every rule, `replace` included, so a retyped response field
//   (`string` → `integer`, `string` → `["string","null"]`), a changed `const`, `format` or `pattern`,
//   or a renamed enum value read as non-breaking: a replaced value domain breaks in both directions
//   unless it only narrows (types: the new set is a subset of the old one in a response, a superset in a request);
// - 3.1 type arrays: `string` → `["string","null"]` in a request is a widening, not a break;
// - a schema change inside a response header is "unclassified": it is judged as breaking;
// - a new 2xx/3xx status on an existing operation is "non-breaking" for the library; we call it breaking
//   (old clients only handle the successes they know). A new 4xx/5xx status stays additive.
import { apiCompare } from 'api-smart-diff';
import type { Diff } from 'api-smart-diff';

/** How a change affects the version: breaking (new major), additive (minor), docs (patch). */
export type Severity = 'breaking' | 'additive' | 'docs';

export interface ContractChange {
  severity: Severity;
  /** `GET /v1/timeline`, or `security scheme bearerAuth`. */
  where: string;
  /** The part of the operation: `response 200 application/json body items[].text`, `query parameter limit`. */
  location: string;
  /** What changed, e.g. `type "string" → "integer"`. */
  what: string;
  /** Why it breaks clients (breaking changes only). */
  why?: string;
  /** The JSON path in the document, for debugging. */
  path: (string | number)[];
}

type Json = unknown;
type Direction = 'request' | 'response' | 'other';
const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Whether a change at this JSON path is part of a request, a response, or neither. */
export function directionOf(path: readonly (string | number)[]): Direction {
  if (path[0] !== 'paths') return 'other';
  if (path[3] === 'responses') return 'response';
  if (path[3] === 'requestBody' || path[3] === 'parameters') return 'request';
  return 'other';
}

/** The set of JSON types a `type` keyword allows (`integer` is inside `number`). */
function typeSet(value: Json): Set<string> | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((t) => typeof t === 'string')) return undefined;
  return new Set(list as string[]);
}

function allows(set: Set<string>, type: string): boolean {
  return set.has(type) || (type === 'integer' && set.has('number'));
}

/**
 * A replaced `type`: in a request it breaks unless every old type is still accepted (a widening);
 * in a response it breaks unless every new type was already possible (a narrowing).
 */
export function typeChangeBreaks(before: Json, after: Json, direction: Direction): boolean {
  const old = typeSet(before);
  const now = typeSet(after);
  if (old === undefined || now === undefined) return true;
  if (direction === 'request') return ![...old].every((t) => allows(now, t));
  return ![...now].every((t) => allows(old, t));
}

/** Keywords whose replaced value changes a value's domain in a way that is neither a widening nor a narrowing. */
const replaceBreaks = new Set(['const', 'format', 'pattern']);

/** The keyword a diff path ends in, and whether it is an item of that keyword's array (`enum`, 1). */
function lastKeyword(path: readonly (string | number)[]): { key: string; item: boolean } {
  const last = path.at(-1);
  if (typeof last === 'number') return { key: String(path.at(-2)), item: true };
  return { key: String(last), item: false };
}

/** Whether an added response status is a new success (2xx/3xx) on an operation that existed before. */
export function isNewSuccessStatus(diff: Pick<Diff, 'action' | 'path'>): boolean {
  const { action, path } = diff;
  return (
    action === 'add' &&
    path[0] === 'paths' &&
    path[3] === 'responses' &&
    path.length === 5 &&
    /^[23]/.test(String(path[4]))
  );
}

/** The gate's severity for one api-smart-diff diff, or undefined when it is not part of the API. */
export function severityOf(diff: Pick<Diff, 'type' | 'action' | 'path' | 'before' | 'after'>): Severity | undefined {
  const { path } = diff;
  if (path[0] === 'info' && path[1] === 'version') return undefined; // checked against package.json instead
  if (path[0] === 'components' && path[1] !== 'securitySchemes') return undefined; // judged where used
  const direction = directionOf(path);
  const { key, item } = lastKeyword(path);
  if (diff.action === 'replace' && path.includes('schema')) {
    if (key === 'type' && !item) return typeChangeBreaks(diff.before, diff.after, direction) ? 'breaking' : 'additive';
    if (replaceBreaks.has(key) && !item) return 'breaking';
    if (key === 'enum' && item) return 'breaking';
  }
  if (isNewSuccessStatus(diff)) return 'breaking';
  switch (diff.type) {
    case 'breaking':
      return 'breaking';
    case 'non-breaking':
    case 'deprecated':
      return 'additive';
    case 'annotation':
      return 'docs';
    default:
      // Unclassified: inside an operation or a security scheme we cannot call it safe.
      return path[0] === 'paths' || path[0] === 'components' ? 'breaking' : 'docs';
  }
}

function resolve(doc: Json, value: Json): Json {
  let node = value;
  for (let depth = 0; depth < 10; depth += 1) {
    const ref = (node as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
    node = ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<Json>((at, part) => (at as Record<string, Json> | undefined)?.[part], doc);
  }
  return node;
}

function at(doc: Json, path: readonly (string | number)[]): Json {
  return path.reduce<Json>(
    (node, part) => (resolve(doc, node) as Record<string | number, Json> | undefined)?.[part],
    doc,
  );
}

/** `properties.items.items.properties.text.maxLength` → field `items[].text`, rest `maxLength`. */
export function schemaField(tokens: readonly (string | number)[]): { field: string; rest: (string | number)[] } {
  let field = '';
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    const next = tokens[i + 1];
    if (token === 'properties' && next !== undefined) {
      field += `${field === '' ? '' : '.'}${next}`;
      i += 2;
    } else if (token === 'items' && typeof next !== 'number') {
      field += '[]';
      i += 1;
    } else if (
      (token === 'anyOf' || token === 'oneOf' || token === 'allOf') &&
      typeof next === 'number' &&
      i + 2 < tokens.length
    ) {
      i += 2;
    } else {
      break;
    }
  }
  return { field, rest: tokens.slice(i) };
}

function formatValue(value: Json): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface Described {
  where: string;
  location: string;
  what: string;
}

/** Names the operation, its part and the change, from a diff path (resolving parameters in the documents). */
export function describe(
  diff: Pick<Diff, 'action' | 'path' | 'before' | 'after'>,
  before: Json,
  after: Json,
): Described {
  const { path, action } = diff;
  const doc = action === 'add' ? after : before;
  const value = action === 'add' ? diff.after : diff.before;
  const change = (subject: string): string =>
    action === 'replace'
      ? `${subject} ${formatValue(diff.before)} → ${formatValue(diff.after)}`
      : `${subject} ${action === 'add' ? 'added' : action === 'remove' ? 'removed' : 'renamed'}`;
  const schemaChange = (tokens: readonly (string | number)[], place: string): Described => {
    const { field, rest } = schemaField(tokens);
    const location = `${place}${field === '' ? '' : ` field ${field}`}`;
    const [key, index] = rest;
    if (key === undefined) return { where: '', location, what: change(field === '' ? 'schema' : 'field') };
    if (key === 'required' && rest.length === 2) {
      const name = String(value);
      return {
        where: '',
        location: `${place} field ${field === '' ? name : `${field}.${name}`}`,
        what: action === 'add' ? 'now required' : 'no longer required',
      };
    }
    if (key === 'enum' && typeof index === 'number') {
      return {
        where: '',
        location,
        what:
          action === 'replace'
            ? `enum value ${formatValue(diff.before)} → ${formatValue(diff.after)}`
            : `enum value ${formatValue(value)} ${action === 'add' ? 'added' : 'removed'}`,
      };
    }
    if (key === 'type' && typeof index === 'number')
      return { where: '', location, what: `type ${formatValue(value)} ${action === 'add' ? 'added' : 'removed'}` };
    if (key === 'anyOf' || key === 'oneOf') {
      return {
        where: '',
        location,
        what: `${key} alternative ${formatValue(value)} ${action === 'add' ? 'added' : 'removed'}`,
      };
    }
    return { where: '', location, what: change(rest.join('.')) };
  };

  if (path[0] === 'components' && path[1] === 'securitySchemes') {
    return {
      where: `security scheme ${String(path[2])}`,
      location: path.slice(3).join('.') || 'scheme',
      what: change(path.length > 3 ? String(path.at(-1)) : 'scheme'),
    };
  }
  if (path[0] !== 'paths')
    return { where: 'document', location: path.join('.') || '(root)', what: change(String(path.at(-1) ?? 'document')) };

  const route = String(path[1]);
  const method = path[2];
  if (method === undefined || !methods.has(String(method))) {
    return {
      where: route,
      location: path.slice(2).join('.') || 'path',
      what: change(path.length > 2 ? String(path.at(-1)) : 'path'),
    };
  }
  const where = `${String(method).toUpperCase()} ${route}`;
  const rest = path.slice(3);
  if (rest.length === 0) return { where, location: 'operation', what: change('operation') };
  const [section, a, b, c] = rest;
  if (section === 'responses') {
    const code = String(a);
    if (rest.length === 2) return { where, location: `response ${code}`, what: change('status') };
    if (b === 'headers') {
      const header = `response ${code} header ${String(c)}`;
      return { where, location: header, what: rest.length > 4 ? change(rest.slice(4).join('.')) : change('header') };
    }
    if (b === 'content') {
      if (rest.length === 4) return { where, location: `response ${code}`, what: change(`media type ${String(c)}`) };
      if (rest[4] === 'schema') return { ...schemaChange(rest.slice(5), `response ${code} ${String(c)} body`), where };
    }
    return { where, location: `response ${code}`, what: change(rest.slice(2).join('.')) };
  }
  if (section === 'requestBody') {
    if (a === 'content' && rest.length === 3)
      return { where, location: 'request body', what: change(`media type ${String(b)}`) };
    if (a === 'content' && rest[3] === 'schema') return { ...schemaChange(rest.slice(4), 'request body'), where };
    return { where, location: 'request body', what: change(rest.slice(1).join('.') || 'request body') };
  }
  if (section === 'parameters' && typeof a === 'number') {
    const parameter = resolve(doc, at(doc, path.slice(0, 5))) as { in?: string; name?: string } | undefined;
    const place = `${parameter?.in ?? '?'} parameter ${parameter?.name ?? `#${a}`}`;
    if (rest.length === 2) return { where, location: place, what: change('parameter') };
    if (b === 'required')
      return { where, location: place, what: diff.after === true ? 'now required' : 'no longer required' };
    if (b === 'schema') return { ...schemaChange(rest.slice(3), place), where };
    return { where, location: place, what: change(rest.slice(2).join('.')) };
  }
  if (section === 'security')
    return { where, location: 'security requirements', what: change(`requirement ${formatValue(value)}`) };
  return { where, location: rest.join('.'), what: change(String(rest.at(-1))) };
}

const limitWords: Record<string, string> = {
  maxLength: 'maximum length',
  minLength: 'minimum length',
  maximum: 'maximum',
  minimum: 'minimum',
  exclusiveMaximum: 'maximum',
  exclusiveMinimum: 'minimum',
  maxItems: 'maximum item count',
  minItems: 'minimum item count',
  maxProperties: 'maximum property count',
  minProperties: 'minimum property count',
  multipleOf: 'multipleOf',
  pattern: 'pattern',
  format: 'format',
  uniqueItems: 'uniqueItems',
};

/** One sentence on why a breaking change breaks existing clients. */
export function whyItBreaks(diff: Pick<Diff, 'action' | 'path' | 'before' | 'after'>): string {
  const { path, action } = diff;
  const direction = directionOf(path);
  const { key, item } = lastKeyword(path);
  if (path[0] === 'components')
    return 'clients authenticate the way the released scheme says; requests made that way are refused';
  if (path[0] === 'paths' && path.length <= 3) return 'clients that call it get 404/405';
  if (path[3] === 'security') return 'the authentication requirement changed: requests that worked before are refused';
  if (path[3] === 'responses' && path.length === 5) {
    return action === 'remove'
      ? 'clients written for this status no longer get it'
      : 'a new success status on an existing operation: old clients handle only the ones they know';
  }
  if (direction === 'response') {
    if (path[5] === 'headers') return 'clients that read this response header no longer get what the release promised';
    if (path.at(-2) === 'properties' && action === 'remove') return 'clients that read this field get nothing';
    if (key === 'required' && item) return 'the field may now be missing: clients that read it get nothing';
    if (key === 'type') return 'clients parse the field as the released type';
    if (key === 'enum' || key === 'const') return 'clients meet a value the released contract never sent';
    if (key === 'anyOf' || key === 'oneOf') return 'clients meet a shape the released contract never sent';
    if (key in limitWords) return `responses may now break the released ${limitWords[key]}`;
    if (path[5] === 'content' && path.length === 7) return 'clients ask for or parse the released media type';
    return 'responses no longer match what the released contract promised';
  }
  if (direction === 'request') {
    if (path[3] === 'parameters' && path.length === 5) {
      return action === 'add'
        ? 'a new required parameter: requests from old clients lack it and are refused'
        : 'clients that send it are refused or ignored';
    }
    if (key === 'required') return 'old clients do not send it: their requests are refused';
    if (path.at(-2) === 'properties' && action === 'add')
      return 'a new required field: requests from old clients lack it and are refused';
    if (path.at(-2) === 'properties' && action === 'remove') return 'old clients still send it and are refused';
    if (key === 'type') return 'values old clients send are refused';
    if (key === 'enum') return 'a value old clients send is no longer accepted';
    if (key in limitWords) return `the ${limitWords[key]} is tighter: requests valid under the release are refused`;
    if (path[3] === 'requestBody' && path.length === 6)
      return 'old clients send the released media type and are refused';
    return 'requests valid under the released contract are refused';
  }
  return 'clients written against the release break';
}

export interface ChangeCount {
  breaking: number;
  additive: number;
  docs: number;
}

/** Compares a released document with the current one: every API change, classified and described. */
export function diffContracts(released: Json, current: Json): ContractChange[] {
  const { diffs } = apiCompare(structuredClone(released), structuredClone(current));
  const changes: ContractChange[] = [];
  for (const diff of diffs) {
    const severity = severityOf(diff);
    if (severity === undefined) continue;
    const described = describe(diff, released, current);
    changes.push({
      severity,
      ...described,
      ...(severity === 'breaking' ? { why: whyItBreaks(diff) } : {}),
      path: diff.path,
    });
  }
  return dropEchoes(changes);
}

/** A property added or removed together with its `required` entry is one change: keep the property's line. */
function dropEchoes(changes: ContractChange[]): ContractChange[] {
  const properties = new Set(
    changes.filter((c) => c.path.at(-2) === 'properties').map((c) => `${c.where}|${c.location}`),
  );
  return changes.filter((c) => {
    const { key, item } = lastKeyword(c.path);
    if (!(key === 'required' && item)) return true;
    // required[i] locations read "... field <parent>.<name>", the property's read "... field <parent>.<name>" too.
    return !properties.has(`${c.where}|${c.location}`);
  });
}

/** Counts changes by severity. */
export function countChanges(changes: readonly ContractChange[]): ChangeCount {
  const count: ChangeCount = { breaking: 0, additive: 0, docs: 0 };
  for (const change of changes) count[change.severity] += 1;
  return count;
}

/** One line per change: `GET /v1/timeline · response 200 application/json body field items[].text: type "string" → "integer" — why`. */
export function formatChange(change: ContractChange): string {
  return `${change.where} · ${change.location}: ${change.what}${change.why === undefined ? '' : ` — ${change.why}`}`;
}
