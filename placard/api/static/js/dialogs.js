// Modal dialogs: the token prompt, keyboard help, and a frame the edit form uses.
import { h } from './dom.js';

// Open dialogs, topmost last: a token prompt can open over the edit form.
const stack = [];

export function dialogOpen() {
  return stack.length > 0;
}

// A modal with `body` (a node); resolves with what `close(value)` is given.
export function modal(title, build, { wide = false } = {}) {
  return new Promise((resolve) => {
    const previous = document.activeElement;
    const close = (value) => {
      backdrop.remove();
      const at = stack.indexOf(backdrop);
      if (at >= 0) stack.splice(at, 1);
      document.removeEventListener('keydown', onKey, true);
      if (previous && previous.focus) previous.focus();
      resolve(value);
    };
    const onKey = (event) => {
      if (event.key === 'Escape' && stack[stack.length - 1] === backdrop) { event.stopPropagation(); close(undefined); }
    };
    const box = h('div', { class: `dialog${wide ? ' dialog-wide' : ''}`, role: 'dialog', 'aria-modal': 'true',
                            'aria-label': title },
      h('div', { class: 'dialog-head' }, h('h2', {}, title),
        h('button', { class: 'icon-button', type: 'button', 'aria-label': 'Close', onclick: () => close(undefined) }, '×')),
      build(close));
    const backdrop = h('div', { class: 'backdrop', onmousedown: (e) => { if (e.target === backdrop) close(undefined); } }, box);
    document.body.append(backdrop);
    document.addEventListener('keydown', onKey, true);
    stack.push(backdrop);
    const first = box.querySelector('input, select, textarea, button.primary');
    if (first) first.focus();
  });
}

export function askToken(reason) {
  return modal('API token', (close) => {
    const input = h('input', { type: 'password', id: 'token-input', autocomplete: 'off', spellcheck: 'false',
                               placeholder: 'paste your token' });
    const submit = (event) => {
      event.preventDefault();
      const value = input.value.trim();
      close(value || undefined);
    };
    return h('form', { class: 'dialog-body', onsubmit: submit },
      h('p', { class: 'muted' }, reason || 'Changes need an API token. It is kept for this browser tab only.'),
      h('label', { for: 'token-input' }, 'Token'), input,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => close(undefined) }, 'Cancel'),
        h('button', { type: 'submit', class: 'button primary', id: 'token-save' }, 'Use token')));
  });
}

export const SHORTCUTS = [
  ['j', 'next event'], ['k', 'previous event'], ['Enter', 'open the event'], ['c', 'confirm'],
  ['r', 'reject'], ['e', 'edit'], ['u', 'reopen (back to machine)'], ['?', 'this help'], ['Esc', 'close a dialog'],
];

export function showHelp() {
  return modal('Keyboard shortcuts', (close) => h('div', { class: 'dialog-body' },
    h('table', { class: 'shortcuts' }, SHORTCUTS.map(([key, what]) => h('tr', {}, h('td', {}, h('kbd', {}, key)), h('td', {}, what)))),
    h('div', { class: 'dialog-actions' }, h('button', { class: 'button primary', type: 'button', onclick: () => close() }, 'Close'))));
}
