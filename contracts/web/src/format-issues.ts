import type * as z from 'zod';
import type { FieldError } from './schemas.ts';

/** Turns a ZodError into problem `errors`: one `{ field, message }` per issue, `field` the dotted path. */
export function formatIssues(error: z.ZodError): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // One entry per unknown key, so a form can point at each.
      for (const key of issue.keys) fields.push({ field: [...path, key].join('.'), message: 'is not allowed' });
    } else {
      fields.push({ field: path.join('.'), message: issue.message });
    }
  }
  return fields;
}
