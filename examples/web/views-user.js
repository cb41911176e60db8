/** The pages of every signed-in user, and signing up and in. */
import { api, describeError } from './api.js';
import { badge, field, h, when } from './dom.js';
import { uploadForm } from './upload.js';

/** A form whose submit runs `action(values)` and shows its error in words next to the button. */
export function actionForm(fields, label, action) {
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', text: label });
  const form = h('form', { class: 'stack' }, fields, error, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    button.disabled = true;
    try {
      await action(Object.fromEntries(new FormData(form)), form);
    } catch (e) {
      error.textContent = describeError(e);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/**
 * A button's click handler that runs `action(button)` with the button disabled, and on failure says why in the
 * notice and enables it again. The button is kept from the click: `event.currentTarget` is gone after an await.
 */
export function whilePressed(session, action) {
  return async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await action(button);
    } catch (e) {
      session.say(describeError(e));
      button.disabled = false;
    }
  };
}

async function signIn(session, email, password) {
  // The answer's token is for API clients; the page is signed in by the HttpOnly cookie set with it.
  await api('POST', '/auth/login', { email, password });
  await session.refresh();
  session.say(`Signed in as ${session.me?.user.name ?? email}.`);
  session.go('/apps');
}

const login = {
  title: 'Sign in',
  render(body, session) {
    body.append(
      actionForm(
        [
          field('E-mail', 'email', { type: 'email', autocomplete: 'username', required: true }),
          field('Password', 'password', { type: 'password', autocomplete: 'current-password', required: true }),
        ],
        'Sign in',
        (v) => signIn(session, v.email, v.password),
      ),
      h('p', {}, 'New here? ', h('a', { href: '#/register', text: 'Create an account' }), '.'),
    );
  },
};

const register = {
  title: 'Sign up',
  render(body, session) {
    body.append(
      actionForm(
        [
          field('Name', 'name', { autocomplete: 'name', required: true }),
          field('E-mail', 'email', { type: 'email', autocomplete: 'email', required: true }),
          field('Password', 'password', {
            type: 'password',
            autocomplete: 'new-password',
            required: true,
            minlength: 10,
            'aria-describedby': 'password-hint',
          }),
          h('p', {
            id: 'password-hint',
            class: 'muted',
            text: 'At least 10 characters, not your e-mail address, not a common password.',
          }),
        ],
        'Create account',
        async (v) => {
          await api('POST', '/auth/register', { name: v.name, email: v.email, password: v.password });
          await signIn(session, v.email, v.password);
        },
      ),
      h('p', {}, 'Have an account? ', h('a', { href: '#/login', text: 'Sign in' }), '.'),
    );
  },
};

const apps = {
  title: 'Apps',
  async render(body, session) {
    const { items } = await api('GET', '/apps');
    if (items.length === 0) {
      body.append(
        h('p', {
          class: 'empty',
          text: 'No apps are listed yet. An admin adds apps here; check back later to claim one and earn points.',
        }),
      );
      return;
    }
    body.append(
      h('p', { class: 'muted', text: 'Install an app, claim it, then send a screenshot as proof to earn its points.' }),
      h(
        'ul',
        { class: 'cards' },
        items.map((app) => appCard(app, session)),
      ),
    );
  },
};

function appCard(app, session) {
  const status = app.claim
    ? h('p', {}, 'My claim: ', badge(app.claim.status))
    : h('p', { class: 'muted', text: 'Not claimed yet' });
  const action = app.claim
    ? app.claim.status === 'claimed' || app.claim.status === 'rejected'
      ? h('a', { href: '#/tasks', text: `Send a screenshot for ${app.name}` })
      : null
    : h('button', {
        type: 'button',
        text: 'Claim',
        'aria-label': `Claim ${app.name}`,
        onclick: whilePressed(session, async () => {
          await api('POST', `/apps/${encodeURIComponent(app.id)}/claim`);
          session.say(`Claimed ${app.name}. Send a screenshot from My tasks.`);
          session.go('/tasks');
        }),
      });
  return h(
    'li',
    { class: 'card' },
    h('h2', { text: app.name }),
    h('p', { class: 'muted', text: [app.category, app.subCategory].filter(Boolean).join(' · ') }),
    h('p', { class: 'points', text: `${app.points} points` }),
    h('p', {}, h('a', { href: app.storeUrl, rel: 'noopener noreferrer', target: '_blank', text: 'Store page' })),
    status,
    h('div', { class: 'actions' }, action),
  );
}

/** Names of the listed apps by id (a hidden app's task shows its id instead). */
export async function appNames() {
  const { items } = await api('GET', '/apps');
  return new Map(items.map((app) => [app.id, app.name]));
}

const tasks = {
  title: 'My tasks',
  async render(body, session) {
    const [{ items }, names] = await Promise.all([api('GET', '/me/tasks'), appNames()]);
    if (items.length === 0) {
      body.append(h('p', {}, 'No tasks yet. ', h('a', { href: '#/apps', text: 'Claim an app' }), ' to start.'));
      return;
    }
    body.append(
      h(
        'ul',
        { class: 'cards' },
        items.map((task) => {
          const name = names.get(task.appId) ?? `App ${task.appId}`;
          const canSend = task.status === 'claimed' || task.status === 'rejected';
          return h(
            'li',
            { class: 'card' },
            h('h2', { text: name }),
            h('p', {}, 'Status: ', badge(task.status)),
            h('p', { class: 'points', text: `${task.points} points` }),
            h('p', { class: 'muted', text: `Claimed ${when(task.claimedAt)}` }),
            task.submittedAt ? h('p', { class: 'muted', text: `Screenshot sent ${when(task.submittedAt)}` }) : null,
            task.status === 'rejected' && task.reason ? h('p', { text: `Reviewer's reason: ${task.reason}` }) : null,
            canSend ? uploadForm(task, session, () => session.go('/tasks')) : null,
          );
        }),
      ),
    );
  },
};

const points = {
  title: 'My points',
  async render(body) {
    const statement = await api('GET', '/me/points?limit=200');
    body.append(
      h('p', { class: 'muted', text: 'Balance' }),
      h('p', { class: 'balance', 'data-testid': 'balance', text: `${statement.balance} points` }),
      h('h2', { text: 'History' }),
    );
    if (statement.history.length === 0) {
      body.append(h('p', { text: 'No points yet: they arrive when an admin approves a screenshot.' }));
      return;
    }
    body.append(
      h(
        'table',
        {},
        h('caption', { class: 'muted', text: 'Newest first' }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', text: 'When' }),
            h('th', { scope: 'col', text: 'Why' }),
            h('th', { scope: 'col', class: 'num', text: 'Points' }),
          ),
        ),
        h(
          'tbody',
          {},
          statement.history.map((entry) =>
            h(
              'tr',
              {},
              h('td', { text: when(entry.createdAt) }),
              h('td', { text: entry.reason }),
              h('td', { class: 'num', text: entry.amount > 0 ? `+${entry.amount}` : String(entry.amount) }),
            ),
          ),
        ),
      ),
    );
  },
};

/** The user's pages by route. */
export const userViews = {
  '/login': login,
  '/register': register,
  '/apps': apps,
  '/tasks': tasks,
  '/points': points,
};
