// The dashboard's files: its pages, their scripts and style (plain browser ES modules in
// pages/, served as they are, no build step) and lightweight-charts from the package.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

export interface StaticFile {
  body: string;
  contentType: string;
}

const PAGES_DIR = join(__dirname, 'pages');
// The package exports only its entry point: its directory is found from its package.json.
const CHARTS_DIR = dirname(require.resolve('lightweight-charts/package.json'));
const read = (path: string): string => readFileSync(path, 'utf8');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Served under /dashboard/static/{name}: the scripts and style of pages/, and the chart library. */
export function loadStaticFiles(): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(PAGES_DIR)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) files.set(name, { body: read(join(PAGES_DIR, name)), contentType });
  }
  files.set('lightweight-charts.js', {
    body: read(join(CHARTS_DIR, 'dist', 'lightweight-charts.standalone.production.mjs')),
    contentType: CONTENT_TYPES['.js'],
  });
  return files;
}

export type PageName = 'market' | 'asset' | 'ops';

const PAGE_TITLES: Record<PageName, string> = {
  market: 'Market',
  asset: 'Asset',
  ops: 'Operations',
};

/** Each page inside the layout (head, header and navigation in one place), read once. */
const pages = new Map<PageName, string>();
function pageHtml(page: PageName): string {
  let html = pages.get(page);
  if (html === undefined) {
    const content = read(join(PAGES_DIR, `${page}.html`)).replace(/^<!--.*-->\n/, '');
    html = read(join(PAGES_DIR, 'layout.html'))
      .replace('<!-- title -->', PAGE_TITLES[page])
      .replace('<!-- page -->', page)
      .replace('<!-- content -->\n', content.replace(/^(?=.)/gm, '    '));
    pages.set(page, html);
  }
  return html;
}

/**
 * A page's HTML with the settings its script reads (no inline script under the CSP: they
 * travel as `<meta>` values). Values are escaped for an attribute.
 */
export function renderPage(page: PageName, settings: Record<string, string | number>): string {
  const meta = Object.entries(settings)
    .map(
      ([name, value]) =>
        `    <meta name="dashboard:${name}" content="${escapeAttribute(String(value))}" />`,
    )
    .join('\n');
  return pageHtml(page).replace('<!-- settings -->', meta.trimStart());
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
