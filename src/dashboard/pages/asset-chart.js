// The asset chart: candles and volume from /ohlc (gaps left as gaps), older candles loaded
// as the user scrolls back, the live candle from candle_update, and indicator overlays and
// panes from /indicators. Built on lightweight-charts, served by the service.
import {
  CandlestickSeries,
  ColorType,
  HistogramSeries,
  LineSeries,
  createChart,
} from './lightweight-charts.js';
import { api } from './common.js';
import { priceOptions } from './format.js';

export const TIMEFRAME_SECONDS = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '4h': 14400,
  '1d': 86400,
  '1w': 604800,
};
const PAGE = 500;
/** A gap longer than this many buckets is drawn as this many empty ones. */
const MAX_GAP_BUCKETS = 500;
const INDICATOR_LINES = {
  sma: [['value', 'accent']],
  ema: [['value', 'warn']],
  bollinger: [
    ['upper', 'muted'],
    ['middle', 'muted'],
    ['lower', 'muted'],
  ],
  rsi: [['value', 'accent']],
  macd: [
    ['macd', 'accent'],
    ['signal', 'warn'],
  ],
};
const PANES = ['rsi', 'macd'];

function palette() {
  const style = getComputedStyle(document.documentElement);
  const color = (name) => style.getPropertyValue(`--${name}`).trim();
  return {
    text: color('muted'),
    line: color('line'),
    panel: color('panel'),
    up: color('up'),
    down: color('down'),
    accent: color('accent'),
    warn: color('warn'),
    muted: color('muted'),
  };
}

const isPriced = (candle) =>
  [candle.open, candle.high, candle.low, candle.close].every((value) => typeof value === 'number');

/** Candles as chart bars, with whitespace bars where buckets are missing. */
function toBars(candles, step) {
  const bars = [];
  let previous = null;
  for (const candle of candles) {
    const time = candle.timestamp / 1000;
    if (previous !== null) {
      const missing = Math.min(MAX_GAP_BUCKETS, Math.round((time - previous) / step) - 1);
      for (let i = 1; i <= missing; i++) bars.push({ time: previous + i * step });
    }
    previous = time;
    // No price in the quote currency that day (no exchange rate): an empty bucket too.
    if (!isPriced(candle)) {
      bars.push({ time });
      continue;
    }
    bars.push({
      time,
      open: candle.open,
      high: candle.high,
      low: candle.low,
      close: candle.close,
      volume: candle.volume,
    });
  }
  return bars;
}

export function createPriceChart(container, symbol, { onLoaded, currency = () => 'usd' } = {}) {
  let colors = palette();
  let priceText = new Intl.NumberFormat('en-US', priceOptions(1));
  const chart = createChart(container, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: colors.panel },
      textColor: colors.text,
      fontFamily: getComputedStyle(document.body).fontFamily,
      attributionLogo: false,
    },
    grid: { vertLines: { color: colors.line }, horzLines: { color: colors.line } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: colors.line },
    rightPriceScale: { borderColor: colors.line },
    localization: { priceFormatter: (price) => priceText.format(price) },
  });
  const candles = chart.addSeries(CandlestickSeries, {
    borderVisible: false,
    priceLineVisible: true,
  });
  const volume = chart.addSeries(HistogramSeries, {
    priceFormat: { type: 'volume' },
    priceScaleId: 'volume',
    lastValueVisible: false,
    priceLineVisible: false,
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
  candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.22 } });

  const state = {
    timeframe: '1h',
    bars: [],
    /** A load of the timeframe is under way: live candles and older pages wait for it. */
    replacing: false,
    exhausted: false,
    loading: null,
    generation: 0,
    quiet: false,
  };
  /** name → series[] of the indicators on show. */
  const shown = new Map();

  const applyColors = () => {
    colors = palette();
    chart.applyOptions({
      layout: {
        background: { type: ColorType.Solid, color: colors.panel },
        textColor: colors.text,
      },
      grid: { vertLines: { color: colors.line }, horzLines: { color: colors.line } },
    });
    candles.applyOptions({
      upColor: colors.up,
      downColor: colors.down,
      wickUpColor: colors.up,
      wickDownColor: colors.down,
    });
  };
  applyColors();
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    applyColors();
    draw();
  });

  function volumeBar(bar) {
    if (bar.open === undefined) return { time: bar.time };
    const color = bar.close >= bar.open ? colors.up : colors.down;
    return { time: bar.time, value: bar.volume, color: `${color}66` };
  }

  function draw() {
    candles.setData(state.bars.map(({ volume: _, ...bar }) => bar));
    volume.setData(state.bars.map(volumeBar));
    const last = state.bars.findLast((bar) => bar.close !== undefined);
    if (last) {
      priceText = new Intl.NumberFormat('en-US', priceOptions(last.close));
      candles.applyOptions({ priceFormat: { type: 'price', ...precisionOf(last.close) } });
    }
    count();
    container.dataset.timeframe = state.timeframe;
  }

  /** Candles and buckets (candles plus empty ones) on the chart, for tests and tools. */
  function count() {
    container.dataset.candles = String(state.bars.filter((bar) => bar.close !== undefined).length);
    container.dataset.buckets = String(state.bars.length);
  }

  async function fetchCandles(timeframe, limit, end) {
    const answer = await api(`/api/v1/cryptocurrencies/${symbol}/ohlc`, {
      query: {
        timeframe,
        limit,
        end: end === undefined ? undefined : new Date(end).toISOString(),
        vs_currency: currency() === 'usd' ? undefined : currency(),
      },
    });
    return answer;
  }

  /** Replaces the series with the newest `limit` buckets of a timeframe. */
  async function load(timeframe, limit) {
    const generation = ++state.generation;
    state.timeframe = timeframe;
    state.exhausted = false;
    state.replacing = true;
    let answer;
    try {
      answer = await fetchCandles(timeframe, Math.min(1000, limit));
    } finally {
      if (generation === state.generation) state.replacing = false;
    }
    if (generation !== state.generation) return null;
    state.bars = toBars(answer.ohlc, TIMEFRAME_SECONDS[timeframe]);
    draw();
    for (const name of [...shown.keys()]) void showIndicator(name);
    onLoaded?.(answer);
    return answer;
  }

  /** Scrolled back to the oldest bar: the page before it, until an empty page. */
  async function loadOlder() {
    if (state.loading || state.exhausted || state.replacing || state.bars.length === 0) return;
    const generation = state.generation;
    const step = TIMEFRAME_SECONDS[state.timeframe];
    const oldest = state.bars[0].time;
    state.loading = fetchCandles(state.timeframe, PAGE, (oldest - step) * 1000)
      .then((answer) => {
        if (generation !== state.generation) return;
        if (answer.ohlc.length === 0) {
          state.exhausted = true;
          return;
        }
        const range = chart.timeScale().getVisibleLogicalRange();
        const older = toBars([...answer.ohlc, { timestamp: oldest * 1000 }], step).slice(0, -1);
        state.bars = [...older, ...state.bars];
        draw();
        if (range) {
          chart.timeScale().setVisibleLogicalRange({
            from: range.from + older.length,
            to: range.to + older.length,
          });
        }
      })
      .finally(() => {
        state.loading = null;
      });
    await state.loading;
  }

  chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
    if (range && range.from < 10 && !state.quiet) void loadOlder().catch(() => undefined);
  });

  /** The live candle of the timeframe on show (older updates are ignored). */
  function update(candle) {
    if (candle.timeframe !== state.timeframe || state.replacing || !isPriced(candle)) return;
    const time = Date.parse(candle.open_time) / 1000;
    const last = state.bars.at(-1);
    if (last && time < last.time) return;
    const bar = {
      time,
      open: candle.open,
      high: candle.high,
      low: candle.low,
      close: candle.close,
      volume: candle.volume,
    };
    if (last && time === last.time) state.bars[state.bars.length - 1] = bar;
    else state.bars.push(bar);
    candles.update({ time, open: bar.open, high: bar.high, low: bar.low, close: bar.close });
    volume.update(volumeBar(bar));
    count();
    container.dataset.live = candle.open_time;
  }

  async function showIndicator(name) {
    const answer = await api(`/api/v1/cryptocurrencies/${symbol}/indicators`, {
      query: {
        timeframe: state.timeframe,
        indicators: name,
        limit: 500,
        vs_currency: currency() === 'usd' ? undefined : currency(),
      },
    });
    hideIndicator(name);
    const pane = PANES.includes(name) ? 1 + PANES.filter((p) => shown.has(p)).length : 0;
    const points = answer.indicators[name] ?? [];
    const series = INDICATOR_LINES[name].map(([field, color]) => {
      const line = chart.addSeries(
        LineSeries,
        {
          color: colors[color],
          lineWidth: field === 'middle' ? 1 : 2,
          lineStyle: name === 'bollinger' && field !== 'middle' ? 2 : 0,
          priceLineVisible: false,
          lastValueVisible: pane > 0,
          crosshairMarkerVisible: false,
          title: pane > 0 ? (field === 'signal' ? 'Signal' : name.toUpperCase()) : '',
        },
        pane,
      );
      line.setData(
        points.map((p) =>
          p[field] === null || p[field] === undefined
            ? { time: p.timestamp / 1000 }
            : { time: p.timestamp / 1000, value: p[field] },
        ),
      );
      return line;
    });
    shown.set(name, series);
    container.dataset.indicators = [...shown.keys()].join(',');
    container.dataset.panes = String(chart.panes().length);
    return answer;
  }

  function hideIndicator(name) {
    for (const series of shown.get(name) ?? []) chart.removeSeries(series);
    shown.delete(name);
    container.dataset.indicators = [...shown.keys()].join(',');
    container.dataset.panes = String(chart.panes().length);
  }

  return {
    load,
    update,
    showIndicator,
    hideIndicator,
    /** Shows the newest `bars` buckets. */
    showLast(bars) {
      // Older candles load when the user scrolls back, not because a range shows them all.
      state.quiet = true;
      const total = state.bars.length;
      chart.timeScale().setVisibleLogicalRange({ from: Math.max(0, total - bars), to: total + 2 });
      setTimeout(() => (state.quiet = false), 250);
    },
    get timeframe() {
      return state.timeframe;
    },
  };
}

function precisionOf(price) {
  const options = priceOptions(price);
  const precision =
    options.maximumFractionDigits ?? Math.max(2, 3 - Math.floor(Math.log10(Math.abs(price) || 1)));
  return { precision, minMove: 10 ** -precision };
}
