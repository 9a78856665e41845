// @-completion in a text box: typing "@al" lists accounts whose username or display name starts with "al";
// arrow keys and Enter (or a click) put "@username " in place of what was typed.
import { api } from './api.ts';
import { el, replaceChildren } from './dom.ts';

const TYPED_MENTION = /(?:^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{1,30})$/;
const DEBOUNCE_MS = 150;
const SUGGESTIONS = 5;
let nextListId = 0;

/** Attaches completion to `input`; returns the list element, to be placed right after the input. */
export function attachMentionCompletion(input: HTMLTextAreaElement): HTMLElement {
  const listId = `mention-list-${++nextListId}`;
  const list = el('ul', {
    class: 'mention-list',
    role: 'listbox',
    id: listId,
    'data-testid': 'mention-list',
    hidden: true,
  });
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', listId);
  let options: { username: string; element: HTMLElement }[] = [];
  let active = -1;
  let asked = 0;
  let timer: number | undefined;

  const close = (): void => {
    list.hidden = true;
    options = [];
    active = -1;
    input.removeAttribute('aria-activedescendant');
  };
  const typed = (): RegExpExecArray | null =>
    TYPED_MENTION.exec(input.value.slice(0, input.selectionStart ?? input.value.length));
  const highlight = (index: number): void => {
    active = index;
    options.forEach((o, i) => o.element.setAttribute('aria-selected', String(i === index)));
    const current = options[index];
    if (current) input.setAttribute('aria-activedescendant', current.element.id);
  };
  const pick = (username: string): void => {
    const match = typed();
    if (!match) return close();
    const caret = input.selectionStart ?? input.value.length;
    const start = caret - match[1]!.length - 1;
    input.value = `${input.value.slice(0, start)}@${username} ${input.value.slice(caret)}`;
    const after = start + username.length + 2;
    input.setSelectionRange(after, after);
    close();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  };
  const lookUp = async (prefix: string): Promise<void> => {
    const mine = ++asked;
    try {
      const page = await api.searchPeople(prefix, 1, SUGGESTIONS);
      if (mine !== asked) return;
      if (page.items.length === 0) return close();
      options = page.items.map((user, i) => {
        const element = el(
          'li',
          {
            role: 'option',
            id: `${listId}-${i}`,
            class: 'mention-option',
            'data-testid': 'mention-option',
            'aria-selected': 'false',
          },
          el('strong', {}, user.displayName || user.username),
          el('span', { class: 'author-handle' }, ` @${user.username}`),
        );
        // mousedown, not click: the text box keeps its focus and caret.
        element.addEventListener('mousedown', (event) => {
          event.preventDefault();
          pick(user.username);
        });
        return { username: user.username, element };
      });
      replaceChildren(list, ...options.map((o) => o.element));
      list.hidden = false;
      highlight(0);
    } catch {
      close();
    }
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const match = typed();
    if (!match) {
      asked++;
      return close();
    }
    timer = window.setTimeout(() => void lookUp(match[1]!), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (list.hidden || options.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      highlight((active + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const current = options[active];
      if (!current) return;
      event.preventDefault();
      pick(current.username);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => close());
  return list;
}
