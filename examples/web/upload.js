/**
 * The screenshot picker: a file input inside a drop zone (click, keyboard or drag and drop), a preview, and
 * the type and size checked in the browser before anything is sent.
 */
import { api, describeError } from './api.js';
import { bytes, h } from './dom.js';
import { checkImage } from './image-check.js';

/** A form that uploads a screenshot for `task`; `onDone(task)` runs after the server accepted it. */
export function uploadForm(task, session, onDone) {
  const id = `shot-${task.id}`;
  const max = session.config.uploadMaxBytes;
  const input = h('input', { id, type: 'file', name: 'screenshot', accept: 'image/png,image/jpeg,image/webp' });
  const preview = h('img', { class: 'preview', alt: 'Preview of the chosen screenshot', hidden: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const send = h('button', { type: 'submit', text: 'Send screenshot', disabled: true });
  let chosen = null;
  let previewUrl = null;

  async function choose(file) {
    chosen = null;
    send.disabled = true;
    error.textContent = '';
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    preview.hidden = true;
    if (!file) return;
    const check = await checkImage(file, max, bytes);
    if (!check.ok) {
      error.textContent = check.message;
      return;
    }
    chosen = file;
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    preview.hidden = false;
    send.disabled = false;
  }

  const zone = h(
    'div',
    { class: 'drop' },
    h('label', { for: id, text: `Screenshot: PNG, JPEG or WebP, at most ${bytes(max)}` }),
    input,
    h('p', { class: 'muted', text: 'Choose a file, or drop it here.' }),
  );
  input.addEventListener('change', () => choose(input.files?.[0]));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    choose(event.dataTransfer?.files?.[0]);
  });

  return h(
    'form',
    {
      class: 'stack upload',
      onsubmit: async (event) => {
        event.preventDefault();
        if (!chosen) return;
        send.disabled = true;
        const form = new FormData();
        form.append('screenshot', chosen);
        try {
          const updated = await api('POST', `/tasks/${encodeURIComponent(task.id)}/proof`, form);
          session.say('Screenshot sent. An admin will review it.');
          onDone(updated);
        } catch (e) {
          error.textContent = describeError(e);
          send.disabled = false;
        }
      },
    },
    zone,
    preview,
    error,
    h('div', { class: 'actions' }, send),
  );
}
