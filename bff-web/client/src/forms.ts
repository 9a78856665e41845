// Form fields with a place for their error, and showing a problem+json answer on a form.
import type { FieldError } from '@microblog/web-contract';
import { ApiError } from './api.ts';
import { el, replaceChildren } from './dom.ts';

/** A labelled input (or textarea) with its error line. */
export type Field = {
  name: string;
  wrapper: HTMLElement;
  input: HTMLInputElement | HTMLTextAreaElement;
  error: HTMLElement;
};

/** Builds a labelled field; `testid` names the input for tests. */
export function field(options: {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'search';
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  value?: string;
  multiline?: boolean;
}): Field {
  const id = `field-${options.name}`;
  const errorId = `${id}-error`;
  const input = options.multiline
    ? el('textarea', { id, name: options.name, rows: '3' })
    : el('input', { id, name: options.name, type: options.type ?? 'text', autocomplete: options.autocomplete });
  input.required = options.required ?? false;
  input.setAttribute('aria-describedby', errorId);
  input.setAttribute('data-testid', `input-${options.name}`);
  if (options.value !== undefined) input.value = options.value;
  const error = el('p', { class: 'field-error', id: errorId, 'data-testid': `error-${options.name}`, hidden: true });
  const wrapper = el(
    'div',
    { class: 'field' },
    el('label', { for: id }, options.label),
    input,
    options.hint ? el('p', { class: 'field-hint' }, options.hint) : null,
    error,
  );
  return { name: options.name, wrapper, input, error };
}

/** The line at the top of a form for problems not tied to one field. */
export function formError(): HTMLElement {
  return el('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'form-error', hidden: true });
}

/** Clears every error of a form. */
export function clearErrors(fields: Field[], summary: HTMLElement): void {
  for (const f of fields) {
    f.error.hidden = true;
    f.error.textContent = '';
    f.input.removeAttribute('aria-invalid');
  }
  summary.hidden = true;
  summary.textContent = '';
}

/** Shows an error: per-field messages next to their fields, the rest (and the problem's detail) in the summary. */
export function showError(error: unknown, fields: Field[], summary: HTMLElement): void {
  clearErrors(fields, summary);
  if (!(error instanceof ApiError)) {
    console.error(error);
    showSummary(summary, 'Something went wrong. Try again.', []);
    return;
  }
  const unplaced: FieldError[] = [];
  for (const fieldError of error.fieldErrors) {
    const target = fields.find((f) => f.name === fieldError.field);
    if (!target) {
      unplaced.push(fieldError);
      continue;
    }
    target.error.hidden = false;
    target.error.textContent = target.error.textContent
      ? `${target.error.textContent}; ${fieldError.message}`
      : sentence(fieldError.message);
    target.input.setAttribute('aria-invalid', 'true');
  }
  showSummary(summary, sentence(error.problem.detail ?? error.problem.title), unplaced);
  fields.find((f) => !f.error.hidden)?.input.focus();
}

function showSummary(summary: HTMLElement, message: string, extra: FieldError[]): void {
  replaceChildren(
    summary,
    el('p', {}, message),
    extra.length > 0
      ? el(
          'ul',
          {},
          ...extra.map((e) => el('li', {}, e.field === '' ? sentence(e.message) : `${e.field}: ${e.message}`)),
        )
      : null,
  );
  summary.hidden = false;
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Disables a form's submit button while `work` runs. */
export async function whileBusy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  const wasDisabled = button.disabled;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = wasDisabled;
  }
}
