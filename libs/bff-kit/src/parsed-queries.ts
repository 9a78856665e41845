// Query strings parsed once: the same query string (a page number, a cursor a client repeats) gives the same
// parameters every time, so what a schema made of it is kept, and a request asking it again pays neither Koa's
// query parsing nor the schema's.

// Per schema, at most this many query strings are kept (the oldest forgotten first), each at most this long.
const KEPT_PER_SCHEMA = 1000;
const LONGEST_KEPT = 512;

const answersBySchema = new WeakMap<object, Map<string, object>>();

/**
 * What `parse` makes of `querystring` under `schema`, computed once per schema and query string. `parse` must be a
 * pure function of the query string; what it throws (a 400) is never kept. The caller gets a shallow copy, so a
 * handler changing its parameters cannot change the next request's.
 */
export function parseQueryOnce<T extends object>(schema: object, querystring: string, parse: () => T): T {
  let answers = answersBySchema.get(schema);
  const known = answers?.get(querystring);
  if (known !== undefined) return { ...(known as T) };
  const parsed = parse();
  if (querystring.length <= LONGEST_KEPT) {
    if (answers === undefined) {
      answers = new Map();
      answersBySchema.set(schema, answers);
    }
    if (answers.size >= KEPT_PER_SCHEMA) {
      const oldest = answers.keys().next();
      if (!oldest.done) answers.delete(oldest.value);
    }
    answers.set(querystring, parsed);
  }
  return { ...parsed };
}
