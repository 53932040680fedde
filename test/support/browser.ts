// Headless Chromium for the page suites: launched without network extras, and a watch on a
// page that collects console errors, page errors and any request leaving the service.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is installed; otherwise skipped with a notice saying why. */
export function describeInChromium(name: string, suite: () => void): void {
  if (!hasChromium) {
    console.log(`notice: ${CHROMIUM} not found, "${name}" is skipped (apt-get install chromium)`);
  }
  (hasChromium ? describe : describe.skip)(name, suite);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Collects what must not happen on a page: console errors, uncaught errors, and requests
 * to anything but the service's host and port. Console errors matching `expected` (e.g.
 * refused connections while a test has stopped the service) are not problems.
 */
export function watchPage(
  page: Page,
  baseUrl: string,
): { problems: string[]; hosts: Set<string>; expected: RegExp[] } {
  const host = new URL(baseUrl).host;
  const problems: string[] = [];
  const hosts = new Set<string>();
  const expected: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (!expected.some((pattern) => pattern.test(message.text()))) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    hosts.add(url.host);
    if (url.host !== host) problems.push(`request outside the service: ${url.href}`);
  });
  return { problems, hosts, expected };
}
