/**
 * The admin's Jobs page: every scheduled job with its schedule, next tick (in the job's time zone), paused
 * state, where it runs and its last outcome; Pause / Resume / Run now behind a confirmation step; and the run
 * history of one job (`#/admin/jobs/<name>`), refreshed every few seconds without reloading the page.
 */
import { api, describeError } from './api.js';
import { badge, h } from './dom.js';

/** How often the page asks for fresh state while it is shown. */
const POLL_MS = 3000;
/** Runs the history table shows at first, and how many more "Show older runs" adds. */
const HISTORY_PAGE = 20;
/** The most runs the table shows (the API's own bound). */
const HISTORY_MAX = 200;
/** The route of the page; `/admin/jobs/<name>` selects the job whose history is shown. */
export const JOBS_ROUTE = '/admin/jobs';

/**
 * `iso` as a date and time in `timeZone`, with the zone's short name: `Dec 2, 2026, 03:00:00 UTC`, or without
 * the year when `short` (the history table).
 */
export function inZone(iso, timeZone, short = false) {
  if (!iso) return '—';
  const options = {
    ...(short ? {} : { year: 'numeric' }),
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    // A zone this browser does not know: the reader's own zone, still named.
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

/** A duration for people: `350 ms`, `4.2 s`, `3 min 5 s`. */
function duration(ms) {
  if (typeof ms !== 'number') return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** An outcome in words, with the skip reason: `skipped (paused)`. */
function outcomeText(outcome, reason) {
  if (!outcome) return 'none yet';
  return reason ? `${outcome} (${reason})` : outcome;
}

/** An outcome badge; the class picks the colour (`status-succeeded`, `status-failed`, …). */
function outcomeBadge(outcome, reason) {
  const el = badge(outcomeText(outcome, reason));
  el.className = `badge status-${outcome ?? 'none'}`;
  return el;
}

function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v ?? '—')]),
  );
}

/** The facts of one job, rebuilt on every refresh. */
function jobFacts(job) {
  const running = job.running.length ? job.running.map((r) => `on ${r.instanceId} (${r.tickId})`).join('; ') : 'no';
  const last = job.lastRun;
  return facts([
    [
      'Schedule',
      job.schedule.cron !== undefined
        ? `${job.schedule.cron} (${job.timezone})`
        : `every ${duration(job.schedule.everyMs)}`,
    ],
    [
      'Next tick',
      job.paused
        ? `${inZone(job.nextRuns[0], job.timezone)} (will be skipped: paused)`
        : inZone(job.nextRuns[0], job.timezone),
    ],
    ['State', job.paused ? badge('paused') : 'active'],
    ['Running now', running],
    [
      'Last outcome',
      last
        ? [outcomeBadge(last.outcome, last.reason), ` ${inZone(last.endedAt ?? last.startedAt, job.timezone)}`]
        : 'none yet',
    ],
  ]);
}

/**
 * An action button that asks first: the first press shows what will happen with Confirm and Cancel (focus on
 * Confirm, Escape cancels), and only Confirm runs `action`.
 */
function confirmedAction({ label, ariaLabel, question, confirmLabel, action, danger }) {
  const wrapper = h('div', { class: 'confirmable' });
  const error = h('p', { class: 'error', role: 'alert' });
  const open = h('button', {
    type: 'button',
    class: danger ? 'secondary' : undefined,
    text: label,
    'aria-label': ariaLabel,
    'aria-expanded': 'false',
  });
  const prompt = h('p', { class: 'question', text: question });
  const confirm = h('button', { type: 'button', class: danger ? 'danger' : undefined, text: confirmLabel });
  const cancel = h('button', { type: 'button', class: 'secondary', text: 'Cancel' });
  const region = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-label': question, hidden: true },
    prompt,
    h('div', { class: 'actions' }, confirm, cancel),
  );
  const close = (focusOpen) => {
    region.hidden = true;
    open.setAttribute('aria-expanded', 'false');
    if (focusOpen) open.focus();
  };
  open.addEventListener('click', () => {
    error.textContent = '';
    region.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    confirm.focus();
  });
  cancel.addEventListener('click', () => close(true));
  region.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close(true);
  });
  confirm.addEventListener('click', async () => {
    // Closed first, so the refresh the action ends with may relabel the button (Pause → Resume).
    close(true);
    open.disabled = true;
    try {
      await action();
    } catch (e) {
      error.textContent = describeError(e);
    } finally {
      open.disabled = false;
      open.focus();
    }
  });
  wrapper.append(open, region, error);
  return {
    element: wrapper,
    /** Changes the button and the question (Pause ↔ Resume) unless the question is open; false when it is. */
    relabel(next) {
      if (!region.hidden) return false;
      open.textContent = next.label;
      open.setAttribute('aria-label', next.ariaLabel);
      prompt.textContent = next.question;
      region.setAttribute('aria-label', next.question);
      confirm.textContent = next.confirmLabel;
      return true;
    },
  };
}
const jobPath = (name, action) => `/admin/jobs/${encodeURIComponent(name)}${action ? `/${action}` : ''}`;

/** One job's card: facts refreshed in place, so a focused button keeps its focus across refreshes. */
function jobCard(job, session, refresh) {
  const title = h('h2', { text: job.name });
  const details = h('div', {}, jobFacts(job));
  const pauseWording = (paused) =>
    paused
      ? {
          label: 'Resume',
          ariaLabel: `Resume ${job.name}`,
          question: `Resume ${job.name}? Its next tick runs as scheduled.`,
          confirmLabel: `Yes, resume ${job.name}`,
        }
      : {
          label: 'Pause',
          ariaLabel: `Pause ${job.name}`,
          question: `Pause ${job.name} on every instance? Its ticks are skipped until it is resumed.`,
          confirmLabel: `Yes, pause ${job.name}`,
        };
  let paused = job.paused;
  const toggle = confirmedAction({
    ...pauseWording(paused),
    danger: true,
    action: async () => {
      const action = paused ? 'resume' : 'pause';
      await api('POST', jobPath(job.name, action));
      session.say(action === 'pause' ? `Paused ${job.name}.` : `Resumed ${job.name}.`);
      await refresh();
    },
  });
  const runNow = confirmedAction({
    label: 'Run now',
    ariaLabel: `Run ${job.name} now`,
    question: `Run ${job.name} now, once, on one instance of the fleet?`,
    confirmLabel: `Yes, run ${job.name} now`,
    action: async () => {
      const { tickId } = await api('POST', jobPath(job.name, 'trigger'));
      session.say(`Started ${job.name} (tick ${tickId}).`);
      await refresh();
    },
  });
  const history = h('a', { href: `#${jobPath(job.name)}`, text: `History of ${job.name}` });
  const card = h(
    'li',
    { class: 'card job' },
    title,
    details,
    h('div', { class: 'actions' }, toggle.element, runNow.element),
    h('p', {}, history),
  );
  return {
    card,
    update(next) {
      details.replaceChildren(jobFacts(next));
      // The wording and the action change together, and not under an open question: the next refresh does it.
      if (next.paused !== paused && toggle.relabel(pauseWording(next.paused))) paused = next.paused;
    },
  };
}

/** The history table's rows. */
function historyRows(items, timeZone) {
  if (items.length === 0) {
    return [h('tr', {}, h('td', { colspan: 6, text: 'No runs recorded yet.' }))];
  }
  return items.map((run) =>
    h(
      'tr',
      {},
      h('td', { text: run.instanceId }),
      h('td', { text: inZone(run.startedAt ?? run.tick, timeZone, true) }),
      h('td', { class: 'num', text: duration(run.durationMs) }),
      h('td', {}, outcomeBadge(run.outcome, run.reason), run.manual ? ' manual' : '', run.catchUp ? ' catch-up' : ''),
      h('td', { class: 'error-text', text: run.error ? `${run.error.code}: ${run.error.message}` : '' }),
      h('td', { class: 'tick', text: run.tickId }),
    ),
  );
}

function historyTable(name) {
  const tbody = h('tbody');
  const caption = h('caption');
  const table = h(
    'table',
    { class: 'history' },
    caption,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Instance', 'Started', 'Duration', 'Outcome', 'Error', 'Tick'].map((label, i) =>
          h('th', { scope: 'col', class: i === 2 ? 'num' : undefined, text: label }),
        ),
      ),
    ),
    tbody,
  );
  // Wide tables scroll on their own at phone width instead of widening the page; focusable so a keyboard
  // user can scroll it too.
  return {
    element: h(
      'div',
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': `History of ${name}` },
      table,
    ),
    tbody,
    caption,
  };
}

const jobs = {
  title: 'Jobs',
  async render(body, session) {
    const route = location.hash.slice(1);
    const wanted = route.startsWith(`${JOBS_ROUTE}/`)
      ? decodeURIComponent(route.slice(JOBS_ROUTE.length + 1))
      : undefined;
    const error = h('p', { class: 'error', role: 'alert' });
    const list = h('ul', { class: 'cards jobs' });
    const historyTitle = h('h2', { id: 'history-title' });
    const historyBox = h('section', { 'aria-labelledby': 'history-title' }, historyTitle);
    const cards = new Map();
    let selected;
    let table;
    let limit = HISTORY_PAGE;
    const older = h('button', {
      type: 'button',
      class: 'secondary',
      text: 'Show older runs',
      hidden: true,
      onclick: async () => {
        limit = Math.min(HISTORY_MAX, limit + HISTORY_PAGE);
        await refresh();
      },
    });

    const load = async () => {
      const { items } = await api('GET', '/admin/jobs');
      const job = items.find((j) => j.name === (selected ?? wanted)) ?? items[0];
      const history = job ? await api('GET', `${jobPath(job.name)}/history?limit=${limit}`) : { items: [] };
      return { items, job, history };
    };
    const show = ({ items, job, history }) => {
      for (const item of items) {
        const card = cards.get(item.name);
        if (card) card.update(item);
        else {
          const made = jobCard(item, session, refresh);
          cards.set(item.name, made);
          list.append(made.card);
        }
      }
      if (!job) {
        historyTitle.textContent = 'No jobs are registered.';
        return;
      }
      if (selected !== job.name) {
        selected = job.name;
        historyTitle.textContent = `History of ${job.name}`;
        table = historyTable(job.name);
        historyBox.replaceChildren(historyTitle, table.element, older);
      }
      const count = history.items.length;
      table.caption.textContent = `The last ${count} run${count === 1 ? '' : 's'} of ${job.name}, newest first`;
      table.tbody.replaceChildren(...historyRows(history.items, job.timezone));
      // More may be stored when the page came back full.
      const hide = history.items.length < limit || limit >= HISTORY_MAX;
      // A focused button that goes away would drop the focus to the page: hand it to the table instead.
      if (hide && document.activeElement === older) table.element.focus();
      older.hidden = hide;
    };
    async function refresh() {
      try {
        show(await load());
        error.textContent = '';
      } catch (e) {
        error.textContent = describeError(e);
      }
    }

    show(await load());
    body.append(
      h('p', { class: 'muted', text: 'State across the whole fleet; refreshed every few seconds.' }),
      error,
      list,
      historyBox,
    );
    // Refreshes while this page is on screen: a navigation replaces `body`, which ends the loop.
    const poll = async () => {
      if (!body.isConnected) return;
      if (!document.hidden) await refresh();
      setTimeout(poll, POLL_MS);
    };
    setTimeout(poll, POLL_MS);
  },
};

/** The Jobs page by route; {@link JOBS_ROUTE}`/<name>` shows the same page with that job's history. */
export const jobViews = { [JOBS_ROUTE]: jobs };
