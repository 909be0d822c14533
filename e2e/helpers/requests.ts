import type { Page } from '@playwright/test';

/**
 * Records every request and websocket the page opens, and every Content-Security-Policy
 * violation it reports, from before the first navigation. Call before `goto`.
 */
export async function watchRequests(page: Page): Promise<{ readonly requests: string[]; readonly violations: string[] }> {
  const requests: string[] = [];
  const violations: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { requests, violations };
}
