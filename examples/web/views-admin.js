/** The admin's pages: the app catalogue, the review queue and the ISIN sync. The server enforces the role. */
import { api, describeError } from './api.js';
import { checkbox, field, h, when } from './dom.js';
import { actionForm, appNames } from './views-user.js';

const APP_FIELDS = ['name', 'packageName', 'storeUrl', 'category', 'subCategory', 'iconUrl', 'points'];

/** The app form's values as the API wants them: numbers as numbers, empty optional fields as null. */
function appInput(values, active) {
  const input = {};
  for (const key of APP_FIELDS) {
    const value = (values[key] ?? '').trim();
    if (key === 'points') input.points = Number(value);
    else if (key === 'subCategory' || key === 'iconUrl') input[key] = value === '' ? null : value;
    else input[key] = value;
  }
  input.active = active;
  return input;
}

function appForm(app, session) {
  const fields = [
    field('Name', 'name', { required: true, value: app?.name }),
    field('Android package name', 'packageName', {
      required: true,
      value: app?.packageName,
      placeholder: 'com.example.notes',
    }),
    field('Store URL (https)', 'storeUrl', { type: 'url', required: true, value: app?.storeUrl }),
    field('Category', 'category', { required: true, value: app?.category }),
    field('Sub-category (optional)', 'subCategory', { value: app?.subCategory }),
    field('Icon URL (optional, https)', 'iconUrl', { type: 'url', value: app?.iconUrl }),
    field('Points', 'points', { type: 'number', min: 1, max: 1000000, step: 1, required: true, value: app?.points }),
    checkbox('Listed (users see it and may claim it)', 'active', app ? app.active : true),
  ];
  return actionForm(fields, app ? `Save ${app.name}` : 'Add app', async (values, form) => {
    const input = appInput(values, form.elements.namedItem('active').checked);
    if (app) {
      await api('PATCH', `/apps/${encodeURIComponent(app.id)}`, { ...input, expectedVersion: app.version });
      session.say(`Saved ${input.name}.`);
    } else {
      await api('POST', '/apps', input);
      session.say(`Added ${input.name}.`);
    }
    session.go('/admin/apps');
  });
}

const manageApps = {
  title: 'Manage apps',
  async render(body, session) {
    const { items } = await api('GET', '/apps');
    const editor = h('section', { 'aria-labelledby': 'editor-title' });
    const showEditor = (app) => {
      const title = h('h2', { id: 'editor-title', tabindex: -1, text: app ? `Edit ${app.name}` : 'Add an app' });
      editor.replaceChildren(title, appForm(app, session));
      if (app) title.focus();
    };
    showEditor(null);
    const list = h(
      'ul',
      { class: 'cards' },
      items.map((app) =>
        h(
          'li',
          { class: 'card' },
          h('h2', { text: app.name }),
          h('p', { class: 'muted', text: `${app.packageName} · ${app.category}` }),
          h('p', { class: 'points', text: `${app.points} points` }),
          h(
            'div',
            { class: 'actions' },
            h('button', {
              type: 'button',
              class: 'secondary',
              text: 'Edit',
              'aria-label': `Edit ${app.name}`,
              onclick: () => showEditor(app),
            }),
          ),
        ),
      ),
    );
    body.append(
      editor,
      h('h2', { text: 'Listed apps' }),
      items.length ? list : h('p', { text: 'None yet.' }),
      h('p', { class: 'muted', text: 'An app that is no longer listed disappears from this list and from users.' }),
    );
  },
};

const review = {
  title: 'Review screenshots',
  async render(body, session) {
    const [{ items }, names] = await Promise.all([api('GET', '/admin/tasks?status=submitted&limit=50'), appNames()]);
    if (items.length === 0) {
      body.append(h('p', { text: 'Nothing to review.' }));
      return;
    }
    body.append(
      h(
        'ul',
        { class: 'cards' },
        items.map((task) => reviewCard(task, names, session)),
      ),
    );
  },
};

function reviewCard(task, names, session) {
  const name = names.get(task.appId) ?? `App ${task.appId}`;
  const approve = h('button', {
    type: 'button',
    text: 'Approve',
    'aria-label': `Approve the screenshot for ${name}`,
    onclick: async (event) => {
      event.currentTarget.disabled = true;
      try {
        const { award } = await api('POST', `/tasks/${encodeURIComponent(task.id)}/approve`);
        session.say(`Approved: ${award.amount} points awarded for ${name}.`);
        session.go('/admin/review');
      } catch (e) {
        session.say(describeError(e));
        event.currentTarget.disabled = false;
      }
    },
  });
  const reject = actionForm(
    [field('Reason for rejecting (shown to the user)', 'reason', { multiline: true, required: true, maxlength: 500 })],
    'Reject',
    async (values) => {
      await api('POST', `/tasks/${encodeURIComponent(task.id)}/reject`, { reason: values.reason });
      session.say(`Rejected the screenshot for ${name}.`);
      session.go('/admin/review');
    },
  );
  reject.querySelector('button[type=submit]').classList.add('danger');
  const proof = task.proof;
  return h(
    'li',
    { class: 'card' },
    h('h2', { text: name }),
    h('p', { class: 'points', text: `${task.points} points` }),
    h('p', {
      class: 'muted',
      text: `User ${task.userId} · sent ${when(task.submittedAt)} · submission ${task.submissions}`,
    }),
    proof ? h('p', { class: 'muted', text: `${proof.mime}, ${proof.width} × ${proof.height} px` }) : null,
    task.duplicateProof.length
      ? h('p', {
          class: 'error',
          text: `The same image is on ${task.duplicateProof.length} other user task(s): ${task.duplicateProof
            .map((d) => d.taskId)
            .join(', ')}`,
        })
      : null,
    h('img', {
      class: 'proof',
      src: `/tasks/${encodeURIComponent(task.id)}/proof`,
      alt: `Screenshot sent for ${name}`,
      loading: 'lazy',
    }),
    h('div', { class: 'actions' }, approve),
    reject,
  );
}

function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, v]) => v !== undefined).map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v ?? '—')]),
  );
}

function renderStatus(target, status) {
  const run = status.lastRun;
  const result = run?.result;
  const diff = result?.diff;
  const parts = [
    facts([
      ['Source', status.source],
      ['Schedule', `${status.schedule.cron} (${status.schedule.timezone})`],
      ['Next run', when(status.nextRuns[0])],
      ['Running now', status.running ? 'yes' : 'no'],
      ['Last outcome', status.lastOutcome ?? 'none yet on this server'],
      [
        'Snapshot',
        status.snapshot
          ? `${status.snapshot.size} ISINs, saved ${when(status.snapshot.savedAt)}, fence ${status.snapshot.fence}`
          : 'none stored yet',
      ],
    ]),
    h('h2', { text: 'Last run' }),
    run
      ? facts([
          ['Result', result.status],
          ['Finished', when(run.finishedAt)],
          ['Why', result.reason],
          [
            'Rows',
            result.counts
              ? `${result.counts.rows} read, ${result.counts.valid} valid, ${result.counts.invalid} invalid`
              : undefined,
          ],
          ['Added', diff ? String(diff.added) : undefined],
          ['Removed', diff ? String(diff.removed) : undefined],
          ['Unchanged', diff ? String(diff.unchanged) : undefined],
        ])
      : h('p', { text: 'No run has finished on this server yet.' }),
  ];
  if (run && !diff)
    parts.push(h('p', { class: 'muted', text: 'The list was not read again, so there is no new diff.' }));
  if (diff?.addedSample.length) parts.push(isinList('Added ISINs (sample)', diff.addedSample));
  if (diff?.removedSample.length) parts.push(isinList('Removed ISINs (sample)', diff.removedSample));
  target.replaceChildren(...parts);
}

function isinList(title, isins) {
  return h('section', {}, h('h3', { text: title }), h('p', { class: 'isins', text: isins.join(' ') }));
}

/** The scheduler's name for the ISIN sync job, whose run history the Jobs page shows. */
const ISIN_JOB_NAME = 'isin-sync';

const isin = {
  title: 'ISIN sync',
  async render(body, session) {
    const target = h('div');
    const error = h('p', { class: 'error', role: 'alert' });
    const button = h('button', {
      type: 'button',
      text: 'Sync now',
      onclick: async () => {
        button.disabled = true;
        error.textContent = '';
        try {
          renderStatus(target, await api('POST', '/isin/sync'));
          session.say('ISIN sync finished.');
        } catch (e) {
          error.textContent = describeError(e);
        } finally {
          button.disabled = false;
        }
      },
    });
    renderStatus(target, await api('GET', '/isin/status'));
    const history = h('a', { href: `#/admin/jobs/${encodeURIComponent(ISIN_JOB_NAME)}`, text: 'Run history' });
    body.append(h('div', { class: 'actions' }, button, history), error, target);
  },
};

/** The admin's pages by route. */
export const adminViews = {
  '/admin/apps': manageApps,
  '/admin/review': review,
  '/admin/isin': isin,
};
