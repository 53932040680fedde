// The asset page's side panels: the asset's facts with their sources and freshness, and a
// box that scores a pasted headline with the sentiment route.
import { api, el } from './common.js';
import {
  formatAge,
  formatAmount,
  formatCompact,
  formatDateTime,
  formatPercent,
  formatPrice,
} from './format.js';

function fact(label, value, title) {
  return [el('dt', {}, label), el('dd', { className: 'tabular', title }, value)];
}

function extreme(price, date, currency) {
  if (price === null || price === undefined) return '—';
  return date
    ? `${formatPrice(price, currency)} · ${formatDateTime(date).replace(/, \d\d:\d\d UTC$/, '')}`
    : formatPrice(price, currency);
}

/** Facts of the detail, the latest price's freshness and where the chart's candles come from. */
export function renderFacts(target, { detail, latest, candleSource, staleMs, now, currency }) {
  const supply = [
    ['Circulating supply', detail.circulating_supply],
    ['Total supply', detail.total_supply],
    ['Max supply', detail.max_supply],
  ];
  const age = now - Date.parse(detail.last_updated);
  const priceAge = latest ? latest.age_ms : null;
  target.replaceChildren(
    ...fact('Market cap', formatCompact(detail.market_cap, currency)),
    ...fact('Rank', detail.market_cap_rank ?? '—'),
    ...fact('Volume 24h', formatCompact(detail.total_volume, currency)),
    ...fact(
      'High / low 24h',
      `${formatPrice(detail.high_24h, currency)} / ${formatPrice(detail.low_24h, currency)}`,
    ),
    ...fact('Change 30d', formatPercent(detail.price_change_percentage_30d).text),
    ...supply.flatMap(([label, value]) => fact(label, formatAmount(value))),
    ...fact('All-time high', extreme(detail.ath, detail.ath_date, currency)),
    ...fact('All-time low', extreme(detail.atl, detail.atl_date, currency)),
    ...fact(
      'Values from',
      `${detail.source} · ${Number.isFinite(age) ? `${formatAge(age)} ago` : 'never'}`,
      detail.last_updated ?? '',
    ),
    ...fact(
      'Latest price from',
      latest
        ? `${latest.source} · ${formatAge(priceAge)} ago${priceAge > staleMs ? ' (stale)' : ''}`
        : '—',
      latest?.as_of ?? '',
    ),
    ...fact('Chart candles from', candleSource ?? '—'),
  );
}

/** Wires the sentiment form: POST /api/v1/sentiment/analyze, label, confidence and the terms behind it. */
export function wireSentiment(form, text, result) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    result.replaceChildren(el('p', { className: 'note' }, 'Scoring…'));
    try {
      const answer = await api('/api/v1/sentiment/analyze', {
        method: 'POST',
        body: { text: text.value },
      });
      const terms = answer.matched.map((m) =>
        el(
          'li',
          { className: m.weight > 0 ? 'up' : 'down' },
          `${m.term} ${m.weight > 0 ? '+' : '−'}${Math.abs(m.weight)}`,
        ),
      );
      result.replaceChildren(
        el(
          'p',
          { className: 'verdict' },
          el('span', { className: `badge ${answer.sentiment.toLowerCase()}` }, answer.sentiment),
          ` ${Math.round(answer.confidence * 100)}% confident · score ${answer.score.toFixed(2)}`,
        ),
        terms.length
          ? el('ul', { className: 'terms' }, ...terms)
          : el('p', { className: 'note' }, 'No market terms matched.'),
        answer.symbols.length
          ? el('p', { className: 'note' }, `Mentions ${answer.symbols.join(', ')}`)
          : null,
      );
    } catch (error) {
      result.replaceChildren(el('p', { className: 'message' }, error.message));
    } finally {
      button.disabled = false;
    }
  });
}
