// GET /dashboard/ops: health per dependency, ingestion sources and runs, the last errors.
// Its data may need an admin key (DASHBOARD_OPS_REQUIRE_API_KEY): asked for, kept per tab.
import { ApiError, api, apiKey, connectLive, el, markNavigation } from './common.js';
import { formatAge, formatAmount, formatDateTime } from './format.js';

const REFRESH_MS = 10_000;
const $ = (id) => document.getElementById(id);
const live = connectLive({ symbols: () => [] });

const STATE_CLASS = {
  up: 'ok',
  ok: 'ok',
  healthy: 'ok',
  success: 'ok',
  fresh: 'ok',
  connected: 'ok',
  degraded: 'warn',
  partial: 'warn',
  stale: 'warn',
  running: 'warn',
  skipped: 'warn',
};

function pill(status) {
  return el('span', { className: `pill ${STATE_CLASS[status] ?? 'bad'}` }, status ?? '—');
}

function ago(iso) {
  if (!iso) return '—';
  return el(
    'span',
    { title: formatDateTime(iso) },
    `${formatAge(live.now() - Date.parse(iso))} ago`,
  );
}

function duration(ms) {
  return ms === null || ms === undefined
    ? '—'
    : ms < 1000
      ? `${ms} ms`
      : `${(ms / 1000).toFixed(1)} s`;
}

function card(title, status, ...lines) {
  return el(
    'article',
    { className: 'panel card' },
    el('h2', {}, title),
    pill(status),
    ...lines.map((line) => el('p', { className: 'note' }, line)),
  );
}

/** An error message; a long one (a whole batch's reasons) folded after its start. */
function errorText(message = 'no message') {
  if (message.length <= 240) return el('p', { className: 'error-text' }, message);
  return el(
    'details',
    {},
    el('summary', { className: 'error-text' }, `${message.slice(0, 200)}…`),
    el('p', { className: 'error-text' }, message),
  );
}

function render(ops) {
  const { health } = ops;
  const checks = health.checks ?? {};
  const sources = Object.entries(health.ingestion?.sources ?? {});
  $('dependencies').replaceChildren(
    card(
      'Service',
      health.status,
      `version ${health.version}`,
      `up ${formatAge(health.uptime_seconds * 1000)}`,
    ),
    ...Object.entries(checks).map(([name, check]) =>
      card(
        name === 'postgresql' ? 'PostgreSQL' : name === 'redis' ? 'Redis' : name,
        check.status,
        [check.mode, check.message].filter(Boolean).join(' · ') || '—',
        check.response_time_ms === undefined ? '' : `${check.response_time_ms} ms`,
      ),
    ),
    card(
      'Ingestion',
      health.ingestion?.status,
      health.ingestion?.message ??
        `${sources.length} scheduled source${sources.length === 1 ? '' : 's'}`,
      ...sources.map(
        ([name, source]) =>
          `${name}: ${source.status}${source.age_seconds === null ? '' : `, ${formatAge(source.age_seconds * 1000)} old`}`,
      ),
    ),
  );
  $('sources').tBodies[0].replaceChildren(
    ...ops.stats.sources.map((source) =>
      el(
        'tr',
        {},
        el('td', {}, source.source),
        el('td', {}, pill(source.status)),
        el('td', {}, ago(source.last_success)),
        el('td', {}, ago(source.last_failure)),
        el('td', { className: 'num' }, formatAmount(source.total_runs)),
        el('td', { className: 'num' }, formatAmount(source.failed_runs)),
        el('td', { className: 'num' }, formatAmount(source.records_processed)),
        el('td', { className: 'num' }, duration(source.average_duration_ms)),
      ),
    ),
  );
  $('runs').tBodies[0].replaceChildren(
    ...ops.runs.map((run) =>
      el(
        'tr',
        {},
        el('td', {}, ago(run.started_at)),
        el('td', {}, run.source),
        el('td', {}, run.trigger),
        el('td', {}, pill(run.status)),
        el('td', { className: 'num' }, formatAmount(run.fetched)),
        el('td', { className: 'num' }, formatAmount(run.created + run.updated)),
        el('td', { className: 'num' }, formatAmount(run.skipped)),
        el('td', { className: 'num' }, duration(run.duration_ms)),
      ),
    ),
  );
  $('failures').replaceChildren(
    ...(ops.failures.length
      ? ops.failures
          .slice(0, 6)
          .map((run) =>
            el(
              'li',
              {},
              el('strong', {}, run.source),
              ' ',
              ago(run.started_at),
              errorText(run.error),
            ),
          )
      : [el('li', { className: 'note' }, 'No failed runs.')]),
  );
  $('generated').textContent = `As of ${formatDateTime(ops.generated_at)}`;
}

async function refresh() {
  try {
    render(await api('/dashboard/data/ops'));
    $('key-form').hidden = true;
    $('message').hidden = true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      $('key-form').hidden = false;
      if (apiKey.get()) {
        $('message').hidden = false;
        $('message').textContent = error.message;
      }
      return;
    }
    $('message').hidden = false;
    $('message').textContent = `Could not load the operations data: ${error.message}`;
  }
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey.set($('api-key').value.trim());
  void refresh();
});
markNavigation('ops');
setInterval(refresh, REFRESH_MS);
void refresh();
