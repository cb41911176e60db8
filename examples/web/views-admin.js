/** The admin's pages: the app catalogue, the review queue and the ISIN sync. The server enforces the role. */
import { api, describeError } from './api.js';
import { checkbox, field, h, when } from './dom.js';
import { actionForm, whilePressed } from './views-user.js';

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

/** The app list filter: what the admin sees, and how the API asks for it. */
const APP_FILTERS = [
  ['active', 'Listed'],
  ['inactive', 'Not listed'],
  ['all', 'All'],
];

/** Radio buttons choosing the app filter; choosing one calls `onchange(value)`. */
function appFilter(current, onchange) {
  return h(
    'fieldset',
    { class: 'filter' },
    h('legend', { text: 'Show' }),
    APP_FILTERS.map(([value, label]) => {
      const id = `filter-${value}`;
      return h(
        'span',
        { class: 'choice' },
        h('input', {
          id,
          type: 'radio',
          name: 'app-filter',
          value,
          checked: value === current,
          onchange: () => onchange(value),
        }),
        h('label', { for: id, text: label }),
      );
    }),
  );
}

const EMPTY_APPS = {
  active: 'No apps are listed. Add one with the form above; users see it at once.',
  inactive: 'No app is hidden. An app you untick "Listed" for appears here, ready to list again.',
  all: 'No apps yet. Add the first one with the form above.',
};

function manageAppCard(app, showEditor, session) {
  const relist = app.active
    ? null
    : h('button', {
        type: 'button',
        text: 'List again',
        'aria-label': `List ${app.name} again`,
        onclick: whilePressed(session, async () => {
          await api('PATCH', `/apps/${encodeURIComponent(app.id)}`, { active: true, expectedVersion: app.version });
          session.say(`Listed ${app.name} again: users see it now.`);
          session.go('/admin/apps');
        }),
      });
  return h(
    'li',
    { class: app.active ? 'card' : 'card inactive' },
    h('h3', { text: app.name }),
    app.active ? null : h('p', {}, h('span', { class: 'badge status-rejected', text: 'not listed' })),
    h('p', { class: 'muted', text: `${app.packageName} · ${app.category}` }),
    h('p', { class: 'points', text: `${app.points} points` }),
    h(
      'div',
      { class: 'actions' },
      relist,
      h('button', {
        type: 'button',
        class: 'secondary',
        text: 'Edit',
        'aria-label': `Edit ${app.name}`,
        onclick: () => showEditor(app),
      }),
    ),
  );
}

const manageApps = {
  title: 'Manage apps',
  async render(body, session) {
    const editor = h('section', { 'aria-labelledby': 'editor-title' });
    const showEditor = (app) => {
      const title = h('h2', { id: 'editor-title', tabindex: -1, text: app ? `Edit ${app.name}` : 'Add an app' });
      editor.replaceChildren(title, appForm(app, session));
      if (app) title.focus();
    };
    showEditor(null);
    const listing = h('div', { 'aria-live': 'polite' });
    const show = async (status) => {
      session.appFilter = status;
      const { items } = await api('GET', `/apps?status=${status}`);
      listing.replaceChildren(
        items.length
          ? h(
              'ul',
              { class: 'cards' },
              items.map((app) => manageAppCard(app, showEditor, session)),
            )
          : h('p', { class: 'empty', text: EMPTY_APPS[status] }),
      );
    };
    const current = session.appFilter ?? 'active';
    body.append(
      editor,
      h('h2', { text: 'Apps' }),
      appFilter(current, (status) => show(status).catch((e) => session.say(describeError(e)))),
      listing,
    );
    await show(current);
  },
};

const review = {
  title: 'Review screenshots',
  async render(body, session) {
    const { items } = await api('GET', '/admin/tasks?status=submitted&limit=50');
    if (items.length === 0) {
      body.append(
        h('p', {
          class: 'empty',
          text: 'Nothing to review. When a user sends a screenshot for an app they claimed, it appears here.',
        }),
      );
      return;
    }
    const viewer = proofViewer();
    body.append(
      h(
        'ul',
        { class: 'cards' },
        items.map((task) => reviewCard(task, viewer, session)),
      ),
      viewer.dialog,
    );
  },
};

/**
 * One modal dialog showing a proof at full size: a native `<dialog>` (focus moves into it, Escape closes it,
 * the page behind is inert), closed by its button too, focus back on the button that opened it.
 */
function proofViewer() {
  const title = h('h2', { id: 'proof-title' });
  const img = h('img', { class: 'full', alt: '' });
  const close = h('button', { type: 'button', class: 'secondary', text: 'Close' });
  const dialog = h(
    'dialog',
    { class: 'viewer', 'aria-labelledby': 'proof-title' },
    h('div', { class: 'viewer-head' }, title, close),
    h('div', { class: 'viewer-body' }, img),
  );
  close.addEventListener('click', () => dialog.close());
  // A click on the backdrop (outside the box) closes it as well.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  return {
    dialog,
    open(task, opener) {
      title.textContent = `Screenshot from ${task.submitter.name} for ${task.app.name}`;
      img.alt = title.textContent;
      img.src = `/tasks/${encodeURIComponent(task.id)}/proof`;
      dialog.addEventListener('close', () => opener.focus(), { once: true });
      dialog.showModal();
      close.focus();
    },
  };
}

function reviewCard(task, viewer, session) {
  const name = task.app.name;
  const who = task.submitter;
  const approve = h('button', {
    type: 'button',
    text: 'Approve',
    'aria-label': `Approve the screenshot from ${who.name} for ${name}`,
    onclick: whilePressed(session, async () => {
      const { award } = await api('POST', `/tasks/${encodeURIComponent(task.id)}/approve`);
      session.say(`Approved: ${award.amount} points awarded to ${who.name} for ${name}.`);
      session.go('/admin/review');
    }),
  });
  const reject = actionForm(
    // maxlength: the task service's MAX_REASON_LENGTH, the one limit the server checks.
    [field('Reason for rejecting (shown to the user)', 'reason', { multiline: true, required: true, maxlength: 1000 })],
    'Reject',
    async (values) => {
      await api('POST', `/tasks/${encodeURIComponent(task.id)}/reject`, { reason: values.reason });
      session.say(`Rejected the screenshot from ${who.name} for ${name}.`);
      session.go('/admin/review');
    },
  );
  const rejectButton = reject.querySelector('button[type=submit]');
  rejectButton.classList.add('danger');
  rejectButton.setAttribute('aria-label', `Reject the screenshot from ${who.name} for ${name}`);
  const proof = task.proof;
  const enlarge = h('button', {
    type: 'button',
    class: 'secondary',
    text: 'View full size',
    'aria-label': `View the screenshot from ${who.name} for ${name} at full size`,
    onclick: (event) => viewer.open(task, event.currentTarget),
  });
  return h(
    'li',
    { class: 'card' },
    h('h2', { text: name }),
    h('p', { class: 'points', text: `${task.points} points` }),
    h('p', {}, 'From ', h('strong', { text: who.name }), ' ', h('span', { class: 'muted', text: `<${who.email}>` })),
    h('p', { class: 'muted', text: `Sent ${when(task.submittedAt)} · submission ${task.submissions}` }),
    proof ? h('p', { class: 'muted', text: `${proof.mime}, ${proof.width} × ${proof.height} px` }) : null,
    task.duplicateProof.length
      ? h('p', {
          class: 'error',
          text: `The same image was sent for ${task.duplicateProof.length} other user task(s): ${task.duplicateProof
            .map((d) => d.taskId)
            .join(', ')}`,
        })
      : null,
    h('img', {
      class: 'proof',
      src: `/tasks/${encodeURIComponent(task.id)}/proof`,
      alt: `Screenshot from ${who.name} for ${name}`,
      loading: 'lazy',
    }),
    h('div', { class: 'actions' }, enlarge, approve),
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
      // The server names a file by its name only (never its directories) and a URL without credentials.
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
      : h('p', { class: 'empty', text: 'No run has finished on this server yet. Press "Sync now" to run one.' }),
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
