// What every dashboard page shares: settings from <meta>, API reads that surface problem
// documents, small DOM helpers, and the live connection with its visible state.
import { io } from '/socket.io/socket.io.esm.min.js';

export function setting(name, fallback = '') {
  const meta = document.querySelector(`meta[name="dashboard:${name}"]`);
  return meta ? meta.content : fallback;
}

/** An API answer that is not 2xx: the problem document's detail, else the status. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

const API_KEY_STORE = 'cma-dashboard-api-key';

export const apiKey = {
  get: () => sessionStorage.getItem(API_KEY_STORE) ?? '',
  set: (key) =>
    key ? sessionStorage.setItem(API_KEY_STORE, key) : sessionStorage.removeItem(API_KEY_STORE),
};

export async function api(path, { query, method = 'GET', body } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { accept: 'application/json' };
  const key = apiKey.get();
  if (key) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      data?.detail ?? `${response.status} ${response.statusText}`,
    );
  }
  return data;
}

/** Builds an element: `el('td', {className: 'num'}, 'text', child)`. Text is never HTML. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name in node) node[name] = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** A coloured monogram standing in for a logo (remote logos would be outside requests). */
export function monogram(symbol) {
  let hue = 0;
  for (const char of symbol) hue = (hue * 31 + char.charCodeAt(0)) % 360;
  const node = el('span', { className: 'logo', ariaHidden: 'true' }, symbol.slice(0, 3));
  node.style.setProperty('--hue', String(hue));
  return node;
}

const STATUS_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Live updates refused',
};

/**
 * The Socket.IO connection of a page. `symbols()` says what to be subscribed to (in
 * `currency()`, default usd); after a
 * reconnection that did not recover the session, it is subscribed again. The state
 * (connecting, live, reconnecting, refused) is shown in `#connection`.
 */
export function connectLive({ symbols, timeframes, currency, onPrice, onCandle, onSubscribed }) {
  const status = document.getElementById('connection');
  const show = (state, detail) => {
    status.dataset.state = state;
    status.textContent = STATUS_TEXT[state];
    status.title = detail ?? '';
  };
  show('connecting');
  const socket = io({
    transports: ['websocket', 'polling'],
    auth: (send) => send(apiKey.get() ? { apiKey: apiKey.get() } : {}),
  });
  let clockOffset = 0;
  const subscribe = async (list = symbols()) => {
    if (list.length === 0 || !socket.connected) return;
    const request = { symbols: list };
    const frames = timeframes?.();
    if (frames) request.timeframes = frames;
    const quote = currency?.();
    if (quote && quote !== 'usd') request.vs_currency = quote;
    const ack = await socket.timeout(10_000).emitWithAck('subscribe', request);
    if (!ack.success) throw new Error(ack.error);
    onSubscribed?.(ack);
  };
  socket.on('connected', (hello) => {
    clockOffset = hello.server_time - Date.now();
  });
  socket.on('connect', () => {
    show('live');
    if (!socket.recovered) subscribe().catch((error) => show('live', error.message));
  });
  socket.on('disconnect', () => show('reconnecting'));
  socket.io.on('reconnect_attempt', () => show('reconnecting'));
  socket.on('connect_error', (error) => {
    if (error.data?.code === 'unauthorized') show('refused', error.message);
    else show(socket.active ? 'reconnecting' : 'connecting', error.message);
  });
  socket.on('price_update', (update) => onPrice?.(update));
  socket.on('candle_update', (update) => onCandle?.(update));
  return {
    subscribe,
    async unsubscribe(list) {
      if (list.length > 0 && socket.connected) {
        await socket.timeout(10_000).emitWithAck('unsubscribe', { symbols: list });
      }
    },
    /** Server time now, in epoch ms: ages are measured on the server's clock. */
    now: () => Date.now() + clockOffset,
  };
}

/** The quote currency a page's URL names (`?vs_currency=eur`), usd by default. */
export function currencyFromUrl(params) {
  const code = params.get('vs_currency') ?? '';
  return /^[a-z]{3,5}$/.test(code) ? code : 'usd';
}

/**
 * Fills a currency picker with the currencies the service quotes in (USD first) and answers
 * the one to use: `current` when supported, else usd. Hidden when there is no choice.
 */
export async function fillCurrencyPicker(picker, current) {
  let supported = ['usd'];
  try {
    supported = await api('/api/v3/simple/supported_vs_currencies');
  } catch {
    // The page still works in USD; the picker stays hidden.
  }
  const chosen = supported.includes(current) ? current : 'usd';
  const ordered = ['usd', ...supported.filter((code) => code !== 'usd').sort()];
  picker.replaceChildren(
    ...ordered.map((code) =>
      el('option', { value: code, selected: code === chosen }, code.toUpperCase()),
    ),
  );
  picker.hidden = ordered.length < 2;
  return chosen;
}

/** Marks the current page's link in the navigation. */
export function markNavigation(page) {
  for (const link of document.querySelectorAll('nav a[data-page]')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
  }
}
