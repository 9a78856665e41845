// One micropost in a list, with edit and delete for its author.
import type { Micropost } from '@microblog/web-contract';
import { api } from './api.ts';
import { attachCounter, counterElement } from './compose.ts';
import { el, replaceChildren } from './dom.ts';
import { field, formError, showError, whileBusy } from './forms.ts';
import { fullTime, shortTime } from './time-format.ts';

const profilePath = (username: string): string => `/users/${encodeURIComponent(username)}`;
/** A post's own page. */
export const micropostPath = (id: string): string => `/microposts/${encodeURIComponent(id)}`;

/** Renders a micropost; `onDeleted` runs after the server deleted it. */
export function micropostItem(post: Micropost, onDeleted: () => void): HTMLElement {
  const item = el('article', { class: 'micropost', 'data-testid': 'micropost', 'data-id': post.id });
  fill(item, post, onDeleted);
  return item;
}

function fill(item: HTMLElement, post: Micropost, onDeleted: () => void): void {
  const meta = el(
    'header',
    { class: 'micropost-meta' },
    el(
      'a',
      { class: 'author-name', href: profilePath(post.author.username), 'data-testid': 'micropost-author' },
      post.author.displayName || post.author.username,
    ),
    el('span', { class: 'author-handle' }, `@${post.author.username}`),
    el('span', { class: 'meta-separator', 'aria-hidden': 'true' }, '·'),
    el(
      'a',
      { class: 'micropost-permalink', href: micropostPath(post.id), 'data-testid': 'micropost-permalink' },
      el('time', { datetime: post.createdAt, title: fullTime(post.createdAt) }, shortTime(post.createdAt)),
    ),
    post.editedAt !== null
      ? el(
          'span',
          { class: 'edited', title: `Edited ${fullTime(post.editedAt)}`, 'data-testid': 'micropost-edited' },
          '(edited)',
        )
      : null,
  );
  const body = el('div', { class: 'micropost-body', 'data-testid': 'micropost-body' });
  // The server escapes the text and links mentions and URLs; this is the one place HTML comes in.
  body.innerHTML = post.html;
  const actions = el('div', { class: 'micropost-actions' });
  if (post.viewer.canEdit) {
    const edit = el(
      'button',
      { type: 'button', class: 'button button-small', 'data-testid': 'edit-micropost' },
      'Edit',
    );
    edit.addEventListener('click', () => startEditing(item, body, actions, post, onDeleted));
    actions.append(edit);
  }
  if (post.viewer.canDelete) {
    const remove = el(
      'button',
      { type: 'button', class: 'button button-small button-danger-quiet', 'data-testid': 'delete-micropost' },
      'Delete',
    );
    remove.addEventListener('click', () => confirmDelete(item, actions, post, onDeleted));
    actions.append(remove);
  }
  replaceChildren(item, meta, body, actions.childElementCount > 0 ? actions : null);
}

function startEditing(
  item: HTMLElement,
  body: HTMLElement,
  actions: HTMLElement,
  post: Micropost,
  onDeleted: () => void,
): void {
  const text = field({ name: 'text', label: 'Edit post', multiline: true, value: post.text });
  text.input.setAttribute('data-testid', 'edit-text');
  text.wrapper.querySelector('label')?.classList.add('visually-hidden');
  const summary = formError();
  const counter = counterElement('edit-counter');
  const save = el(
    'button',
    { type: 'submit', class: 'button button-primary button-small', 'data-testid': 'save-edit' },
    'Save',
  );
  const cancel = el('button', { type: 'button', class: 'button button-small', 'data-testid': 'cancel-edit' }, 'Cancel');
  const form = el(
    'form',
    { class: 'edit-form', 'data-testid': 'edit-form', novalidate: true },
    summary,
    text.wrapper,
    el('div', { class: 'compose-footer' }, counter, el('span', { class: 'button-row' }, cancel, save)),
  );
  const update = attachCounter(text.input, counter, save);
  cancel.addEventListener('click', () => fill(item, post, onDeleted));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(save, async () => {
      try {
        const edited = await api.editMicropost(post.id, text.input.value);
        fill(item, edited, onDeleted);
      } catch (error) {
        showError(error, [text], summary);
      }
    }).then(update);
  });
  body.replaceWith(form);
  actions.remove();
  text.input.focus();
}

function confirmDelete(item: HTMLElement, actions: HTMLElement, post: Micropost, onDeleted: () => void): void {
  const summary = formError();
  const yes = el(
    'button',
    { type: 'button', class: 'button button-small button-danger', 'data-testid': 'confirm-delete' },
    'Delete',
  );
  const no = el('button', { type: 'button', class: 'button button-small', 'data-testid': 'cancel-delete' }, 'Keep');
  no.addEventListener('click', () => fill(item, post, onDeleted));
  yes.addEventListener('click', () => {
    void whileBusy(yes, async () => {
      try {
        await api.deleteMicropost(post.id);
        item.classList.add('micropost-deleted');
        onDeleted();
      } catch (error) {
        showError(error, [], summary);
      }
    });
  });
  replaceChildren(actions, el('span', { class: 'confirm-question' }, 'Delete this post?'), no, yes, summary);
  yes.focus();
}

/** A list of microposts with a message when there are none. */
export function micropostList(
  posts: Micropost[],
  options: { testid: string; empty: string; onDeleted: () => void },
): HTMLElement {
  if (posts.length === 0) return el('p', { class: 'empty', 'data-testid': `${options.testid}-empty` }, options.empty);
  return el(
    'div',
    { class: 'micropost-list', 'data-testid': options.testid },
    ...posts.map((p) => micropostItem(p, options.onDeleted)),
  );
}
