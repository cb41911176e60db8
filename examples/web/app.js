/**
 * The rewards page: hash routes (`#/apps`, `#/tasks`, `#/points`, `#/admin/…`), the signed-in user from
 * `GET /me`, the navigation, and focus on each page's heading after every navigation.
 */

import { api, describeError } from './api.js';
import { h } from './dom.js';
import { createNotice } from './notice.js';
import { adminViews } from './views-admin.js';
import { JOBS_ROUTE, jobViews } from './views-jobs.js';
import { userViews } from './views-user.js';
import { usersViews } from './views-users.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const notice = createNotice(
  document.getElementById('notice-bar'),
  document.getElementById('notice'),
  document.getElementById('notice-dismiss'),
);

/** What every view gets: the session, a way to navigate, to show a notice, and the server's settings. */
const session = {
  me: null,
  config: { uploadMaxBytes: 5 * 1024 * 1024 },
  keepNotice: false,
  go(route) {
    // A notice said just before navigating ("Claimed …") belongs to the next page.
    session.keepNotice = location.hash !== `#${route}`;
    if (session.keepNotice) location.hash = route;
    else render();
  },
  say(message) {
    notice.say(message);
  },
  async refresh() {
    try {
      session.me = await api('GET', '/me');
    } catch (error) {
      if (error.status !== 401) session.say(describeError(error));
      session.me = null;
    }
  },
};

const views = { ...userViews, ...adminViews, ...usersViews, ...jobViews };

/** The view of `route`: an exact match, or the Jobs page for `/admin/jobs/<name>` (that job's history). */
function viewOf(route) {
  return views[route] ?? (route.startsWith(`${JOBS_ROUTE}/`) ? views[JOBS_ROUTE] : undefined);
}
const PUBLIC = new Set(['/login', '/register']);

function navLink(route, label) {
  const current = location.hash === `#${route}` ? 'page' : null;
  return h('li', {}, h('a', { href: `#${route}`, 'aria-current': current, text: label }));
}

function renderNav() {
  nav.replaceChildren();
  const me = session.me;
  if (!me) {
    nav.append(navLink('/login', 'Sign in'), navLink('/register', 'Sign up'));
    return;
  }
  nav.append(navLink('/apps', 'Apps'), navLink('/tasks', 'My tasks'), navLink('/points', 'My points'));
  if (me.user.role === 'admin') {
    nav.append(
      navLink('/admin/apps', 'Manage apps'),
      navLink('/admin/review', 'Review'),
      navLink('/admin/users', 'Users'),
      navLink('/admin/isin', 'ISIN sync'),
      navLink(JOBS_ROUTE, 'Jobs'),
    );
  }
  const out = h('button', {
    type: 'button',
    class: 'secondary',
    text: `Sign out (${me.user.name})`,
    onclick: async () => {
      await api('POST', '/auth/logout').catch(() => undefined);
      session.me = null;
      session.say('You are signed out.');
      session.go('/login');
    },
  });
  nav.append(h('li', {}, out));
}

async function render() {
  const hash = location.hash;
  // Other fragments (none today) are in-page anchors, not routes.
  if (hash !== '' && !hash.startsWith('#/')) return;
  let route = hash.slice(1) || '/apps';
  if (!session.me && !PUBLIC.has(route)) route = '/login';
  if (session.me && PUBLIC.has(route)) route = '/apps';
  if (`#${route}` !== location.hash) {
    history.replaceState(null, '', `#${route}`);
  }
  renderNav();
  const view = viewOf(route) ?? notFound;
  const heading = h('h1', { tabindex: -1, text: view.title });
  const body = h('div');
  main.replaceChildren(heading, body);
  document.title = `${view.title} · tickwork rewards`;
  heading.focus();
  try {
    await view.render(body, session);
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert', text: describeError(error) }));
    if (error.status === 401) {
      await session.refresh();
      renderNav();
    }
  }
}

const notFound = {
  title: 'Page not found',
  render(body) {
    body.append(h('p', {}, 'There is no such page. ', h('a', { href: '#/apps', text: 'See the apps' }), '.'));
  },
};

window.addEventListener('hashchange', () => {
  if (!session.keepNotice) session.say('');
  session.keepNotice = false;
  render();
});

session.config = await api('GET', '/web-config').catch(() => session.config);
await session.refresh();
await render();
