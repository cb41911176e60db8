/**
 * The page's one notice ("Added Notes.", "Signed in as Ann."): a bar between the header and the page, in the
 * flow, so it never covers a control. It says its message through a polite live region, hides itself after a
 * while (longer while the pointer or the focus is on it), and has a Dismiss button.
 */

/** How long a notice stays, in ms: long enough to read twice. */
const SHOW_MS = 12_000;

/**
 * Wires the notice bar. `bar` holds `text` (the live region) and `dismiss` (a button). Answers
 * `{ say(message) }`; an empty message hides the bar.
 */
export function createNotice(bar, text, dismiss) {
  let timer;
  let held = false;

  function hide() {
    clearTimeout(timer);
    const hadFocus = bar.contains(document.activeElement);
    text.textContent = '';
    bar.hidden = true;
    // Focus on the Dismiss button would be lost with the bar: give it to the page.
    if (hadFocus) document.getElementById('main')?.focus();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (held) schedule();
      else hide();
    }, SHOW_MS);
  }

  const hold = () => {
    held = true;
  };
  const release = () => {
    held = bar.matches(':hover') || bar.contains(document.activeElement);
  };
  bar.addEventListener('pointerenter', hold);
  bar.addEventListener('pointerleave', release);
  bar.addEventListener('focusin', hold);
  bar.addEventListener('focusout', () => setTimeout(release));
  dismiss.addEventListener('click', hide);
  bar.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hide();
  });

  return {
    say(message) {
      if (!message) {
        hide();
        return;
      }
      text.textContent = message;
      bar.hidden = false;
      schedule();
    },
  };
}
