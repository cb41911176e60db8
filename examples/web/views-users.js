/** The admin's user list: search by name or e-mail, page through, and change a role after confirming. */
import { api, describeError } from './api.js';
import { field, h, when } from './dom.js';

const PAGE = 20;

/**
 * A modal confirmation (a native `<dialog>`: focus moves in, Escape cancels, the page behind is inert). Answers
 * a promise of `true` when confirmed, `false` otherwise; focus goes back to `opener`.
 */
function confirmDialog(question, confirmLabel, opener) {
  return new Promise((resolve) => {
    const title = h('h2', { id: 'confirm-title', text: question });
    const yes = h('button', { type: 'button', text: confirmLabel });
    const no = h('button', { type: 'button', class: 'secondary', text: 'Cancel' });
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      title,
      h('div', { class: 'actions' }, yes, no),
    );
    let answer = false;
    yes.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    no.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

function roleButton(user, session, refresh) {
  const toAdmin = user.role !== 'admin';
  const self = user.id === session.me?.user.id;
  const label = toAdmin ? 'Make admin' : self ? 'Stop being admin' : 'Make regular user';
  return h('button', {
    type: 'button',
    class: toAdmin ? null : 'secondary',
    text: label,
    'aria-label': `${label}: ${user.name}`,
    onclick: async (event) => {
      // Kept from the click: `event.currentTarget` is gone after an await.
      const button = event.currentTarget;
      const question = toAdmin
        ? `Make ${user.name} (${user.email}) an admin? Admins manage apps, review screenshots and change roles.`
        : `Take admin away from ${self ? 'yourself' : `${user.name} (${user.email})`}?`;
      if (!(await confirmDialog(question, label, button))) return;
      button.disabled = true;
      try {
        await api('POST', `/admin/users/${encodeURIComponent(user.id)}/role`, { role: toAdmin ? 'admin' : 'user' });
        session.say(toAdmin ? `${user.name} is an admin now.` : `${user.name} is a regular user now.`);
        if (self) {
          await session.refresh();
          session.go('/apps');
        } else await refresh();
      } catch (e) {
        session.say(describeError(e));
        button.disabled = false;
      }
    },
  });
}

function userRow(user, session, refresh) {
  return h(
    'tr',
    {},
    h('th', { scope: 'row', text: user.name }),
    h('td', { class: 'email', 'data-label': 'E-mail', text: user.email }),
    h('td', { 'data-label': 'Role', text: user.role }),
    h('td', { 'data-label': 'Joined', text: when(user.createdAt) }),
    h('td', {}, roleButton(user, session, refresh)),
  );
}

const users = {
  title: 'Users',
  async render(body, session) {
    let search = '';
    let offset = 0;
    const results = h('div', { 'aria-live': 'polite' });
    const show = async () => {
      const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
      if (search) query.set('search', search);
      const page = await api('GET', `/admin/users?${query}`);
      const pager = h(
        'div',
        { class: 'actions' },
        offset > 0
          ? h('button', {
              type: 'button',
              class: 'secondary',
              text: 'Previous page',
              onclick: () => {
                offset = Math.max(0, offset - PAGE);
                show().catch((e) => session.say(describeError(e)));
              },
            })
          : null,
        page.nextOffset !== null
          ? h('button', {
              type: 'button',
              class: 'secondary',
              text: 'Next page',
              onclick: () => {
                offset = page.nextOffset;
                show().catch((e) => session.say(describeError(e)));
              },
            })
          : null,
      );
      if (page.items.length === 0) {
        results.replaceChildren(
          h('p', {
            class: 'empty',
            text: search
              ? `No user's name or e-mail contains "${search}". Check the spelling, or clear the search to see everyone.`
              : 'No users yet. People appear here once they sign up.',
          }),
        );
        return;
      }
      results.replaceChildren(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'users' },
            h('caption', { class: 'muted', text: `By e-mail, ${offset + 1}–${offset + page.items.length}` }),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Name', 'E-mail', 'Role', 'Joined', 'Action'].map((label) => h('th', { scope: 'col', text: label })),
              ),
            ),
            h(
              'tbody',
              {},
              page.items.map((user) => userRow(user, session, show)),
            ),
          ),
        ),
        pager,
      );
    };
    const form = h(
      'form',
      { class: 'search', role: 'search' },
      field('Search by name or e-mail', 'search', { type: 'search', maxlength: 100 }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', text: 'Search' })),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      search = String(new FormData(form).get('search') ?? '').trim();
      offset = 0;
      show().catch((e) => session.say(describeError(e)));
    });
    body.append(form, results);
    await show();
  },
};

/** The user-management page by route. */
export const usersViews = {
  '/admin/users': users,
};
