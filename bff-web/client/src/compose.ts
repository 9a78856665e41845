// The compose box and the live "characters left" counter shared with editing.
import type { Micropost } from '@microblog/web-contract';
import { api } from './api.ts';
import { el } from './dom.ts';
import { clearErrors, field, formError, showError, whileBusy } from './forms.ts';
import { attachMentionCompletion } from './mention-completion.ts';
import { countChars, isPostable, MICROPOST_MAX_CHARS } from './text-rules.ts';

/** Keeps `counter` showing the characters left in `input`, and `submit` enabled only for postable text. */
export function attachCounter(
  input: HTMLTextAreaElement | HTMLInputElement,
  counter: HTMLElement,
  submit: HTMLButtonElement,
): () => void {
  const update = (): void => {
    const left = MICROPOST_MAX_CHARS - countChars(input.value);
    counter.textContent = String(left);
    counter.classList.toggle('counter-low', left >= 0 && left <= 20);
    counter.classList.toggle('counter-over', left < 0);
    counter.setAttribute('aria-label', left < 0 ? `${-left} characters too many` : `${left} characters left`);
    submit.disabled = !isPostable(input.value);
  };
  input.addEventListener('input', update);
  update();
  return update;
}

/** A counter element. */
export function counterElement(testid: string): HTMLElement {
  return el('span', { class: 'counter', 'data-testid': testid, 'aria-live': 'polite' });
}

/** The box for a new micropost; `onPosted` runs after the server accepted it. */
export function composeBox(onPosted: (post: Micropost) => void): HTMLElement {
  const text = field({ name: 'text', label: 'New post', multiline: true });
  text.input.setAttribute('data-testid', 'compose-text');
  text.input.setAttribute('placeholder', "What's happening?");
  const summary = formError();
  const counter = counterElement('compose-counter');
  const submit = el(
    'button',
    { type: 'submit', class: 'button button-primary', 'data-testid': 'compose-submit' },
    'Post',
  );
  text.wrapper.append(attachMentionCompletion(text.input as HTMLTextAreaElement));
  const form = el(
    'form',
    { class: 'card compose', 'data-testid': 'compose', novalidate: true },
    summary,
    text.wrapper,
    el('div', { class: 'compose-footer' }, counter, submit),
  );
  form.querySelector('label')?.classList.add('visually-hidden');
  const update = attachCounter(text.input, counter, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!isPostable(text.input.value)) return;
    void whileBusy(submit, async () => {
      try {
        const post = await api.createMicropost(text.input.value);
        text.input.value = '';
        clearErrors([text], summary);
        onPosted(post);
      } catch (error) {
        showError(error, [text], summary);
      }
    }).then(update);
  });
  return form;
}
