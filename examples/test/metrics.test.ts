/**
 * The Prometheus metrics: the domain-event counter against messages published on its channel, and each
 * server scraped on its METRICS_PORT after a small journey and a few job runs, the text parsed sample by
 * sample.
 */
import { channel } from 'node:diagnostics_channel';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDomainEvents, DOMAIN_CHANNEL } from '../shared/domain-event-metrics.js';
import { ADMIN, client, FRAMEWORKS, type Framework, startTestServer, type TestServer } from './harness.js';
import { makePng } from './png.js';
import { parsePrometheus, type Sample, sampleSum } from './prometheus-text.js';

const frameworks = Object.keys(FRAMEWORKS) as Framework[];

async function scrapeText(url: string | undefined): Promise<string> {
  const response = await fetch(url ?? 'http://metrics-port-not-set.invalid');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

async function scrape(url: string | undefined): Promise<Sample[]> {
  return parsePrometheus(await scrapeText(url));
}

describe('tickwork_domain_events_total', () => {
  it('counts the events published on tickwork:domain by type, an odd type as other, until unsubscribed', async () => {
    const registry = new Registry();
    const errors: unknown[] = [];
    const stop = countDomainEvents(registry, (_channel, error) => errors.push(error));
    const publish = (message: unknown) => channel(DOMAIN_CHANNEL).publish(message);
    try {
      publish({ type: 'task:approved', taskId: 't1' });
      publish({ type: 'points:awarded', amount: 5 });
      publish({ type: 'points:awarded', amount: 7 });
      publish({ type: '<script>' });
      publish({ type: 42 });
      publish('not an object');
      const samples = parsePrometheus(await registry.metrics());
      const count = (type: string) => sampleSum(samples, 'tickwork_domain_events_total', { type });
      expect([count('task:approved'), count('points:awarded'), count('other')]).toEqual([1, 2, 2]);
      expect(samples.filter((s) => s.name === 'tickwork_domain_events_total')).toHaveLength(3);
    } finally {
      stop();
    }
    publish({ type: 'task:approved' });
    expect(sampleSum(parsePrometheus(await registry.metrics()), 'tickwork_domain_events_total')).toBe(5);
    expect(errors).toEqual([]);
  });
});

for (const framework of frameworks) {
  describe(`${framework}: GET /metrics on METRICS_PORT`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;
    let admin: string;

    beforeAll(async () => {
      // The ISIN job ticks every second, so scheduled runs (and their start delays) happen during the test.
      server = await startTestServer(framework, { METRICS_PORT: '0', ISIN_CRON: '* * * * * *' });
      http = client(server.url);
      admin = (await http.post('/auth/login', ADMIN)).body.token;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('serves only /metrics, on loopback, apart from the API', async () => {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(server.metricsUrl ?? '').port).not.toBe(new URL(server.url).port);
      const other = await fetch(new URL('/', server.metricsUrl));
      expect(other.status).toBe(404);
      expect((await other.json()).error.code).toBe('NOT_FOUND');
      // The API itself has no /metrics: whoever reaches the API port does not get them.
      expect((await http.get('/metrics', admin)).status).toBe(404);
    });

    it('counts requests by route pattern and status, never by raw URL, and has the process metrics', async () => {
      const before = await scrape(server.metricsUrl);
      const created = await http.post(
        '/apps',
        {
          name: `Metrics ${framework}`,
          packageName: `com.example.metrics${framework}`,
          storeUrl: 'https://example.com/metrics',
          category: 'Tools',
          points: 4,
        },
        admin,
      );
      expect(created.status).toBe(201);
      const { token } = await http.signUp(`metrics-${framework}@example.com`);
      const claimed = await http.post(`/apps/${created.body.id}/claim`, undefined, token);
      expect(claimed.status).toBe(201);
      expect((await http.upload(`/tasks/${claimed.body.id}/proof`, makePng(8, 8, 3), token)).status).toBe(200);
      expect((await http.post(`/tasks/${claimed.body.id}/approve`, undefined, admin)).status).toBe(200);
      expect((await http.patch('/apps/no-such-app', { points: 2 }, admin)).status).toBe(404);
      expect((await http.get('/no/such/route')).status).toBe(404);

      const after = await scrape(server.metricsUrl);
      const moved = (labels: Record<string, string>) =>
        sampleSum(after, 'tickwork_http_requests_total', labels) -
        sampleSum(before, 'tickwork_http_requests_total', labels);
      expect(moved({ method: 'POST', route: '/apps', status_code: '201' })).toBe(1);
      expect(moved({ method: 'POST', route: '/apps/:id/claim', status_code: '201' })).toBe(1);
      expect(moved({ method: 'POST', route: '/tasks/:id/approve', status_code: '200' })).toBe(1);
      expect(moved({ method: 'PATCH', route: '/apps/:id', status_code: '404' })).toBe(1);
      expect(moved({ method: 'GET', route: 'none', status_code: '404' })).toBe(1);
      expect(moved({ method: 'POST', route: '/auth/login', status_code: '200' })).toBe(1);
      // The duration histogram counted the same requests.
      expect(
        sampleSum(after, 'tickwork_http_request_duration_seconds_count', { route: '/apps/:id/claim' }) -
          sampleSum(before, 'tickwork_http_request_duration_seconds_count', { route: '/apps/:id/claim' }),
      ).toBe(1);
      const routes = new Set(after.filter((s) => s.name === 'tickwork_http_requests_total').map((s) => s.labels.route));
      for (const route of routes) expect(route).not.toContain(created.body.id);
      expect(sampleSum(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    });

    it("counts the scheduler's runs, start delays and paused ticks from its diagnostics channels", async () => {
      const before = await scrape(server.metricsUrl);
      const history = async () =>
        (await http.get('/admin/jobs/isin-sync/history?limit=100', admin)).body.items as {
          tickId: string;
          outcome: string;
          reason?: string;
        }[];
      // A scheduled run first (the job ticks every second), so a start delay has been observed.
      await expect
        .poll(async () => (await history()).some((r) => r.outcome === 'succeeded' && !r.tickId.includes('@manual:')), {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(true);
      // Then paused: the manual runs then never meet a scheduled run of the job (a manual run ignores pause).
      expect((await http.post('/admin/jobs/isin-sync/pause', undefined, admin)).status).toBe(200);
      try {
        await expect
          .poll(async () => (await history()).some((r) => r.reason === 'paused'), { timeout: 30_000, interval: 250 })
          .toBe(true);
        // One after the other: a manual run that meets another run of the job is skipped (`overlap`).
        for (let i = 0; i < 2; i++) {
          const answer = await http.post('/admin/jobs/isin-sync/trigger', undefined, admin);
          expect(answer.status).toBe(202);
          await expect
            .poll(async () => (await history()).find((r) => r.tickId === answer.body.tickId)?.outcome, {
              timeout: 30_000,
              interval: 250,
            })
            .toBe('succeeded');
        }
      } finally {
        expect((await http.post('/admin/jobs/isin-sync/resume', undefined, admin)).status).toBe(200);
      }

      const text = await scrapeText(server.metricsUrl);
      const after = parsePrometheus(text);
      const moved = (name: string, labels: Record<string, string>) =>
        sampleSum(after, name, labels) - sampleSum(before, name, labels);
      const job = { job: 'isin-sync' };
      // Both manual runs, and the scheduled ones of the seconds this took.
      expect(moved('tickwork_job_runs_total', { ...job, outcome: 'succeeded' })).toBeGreaterThanOrEqual(2);
      expect(moved('tickwork_job_run_duration_seconds_count', { ...job, outcome: 'succeeded' })).toBe(
        moved('tickwork_job_runs_total', { ...job, outcome: 'succeeded' }),
      );
      expect(moved('tickwork_job_skipped_total', { ...job, reason: 'paused' })).toBeGreaterThanOrEqual(1);
      // Start delays count scheduled ticks only: at least the one waited for above.
      expect(sampleSum(after, 'tickwork_job_start_delay_seconds_count', job)).toBeGreaterThan(0);
      expect(sampleSum(after, 'tickwork_job_runs_total', { ...job, outcome: 'failed' })).toBe(0);
      for (const name of ['tickwork_lock_errors_total', 'tickwork_lease_lost_total', 'tickwork_job_missed_total']) {
        expect(text).toContain(`# TYPE ${name} counter`);
      }
    });
  });
}
