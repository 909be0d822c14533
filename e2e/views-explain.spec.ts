import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

/** The failing-load sample: the flipped stream and the log of the 7.2 destination that refused it. */
const SAMPLE_STREAM = repoPath('public/samples/7.2__pc-i440fx-7.2-default.flip-footer.mig.gzip');
const SAMPLE_LOG = repoPath('public/samples/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gzip');

interface ExplainJson {
  readonly verdict: string;
  readonly basis: string;
  readonly failure: {
    readonly cause: string;
    readonly section: { readonly idstr: string; readonly instance: number; readonly offset: number; readonly length: number } | null;
    readonly field: string | null;
    readonly offset: number | null;
    readonly length: number | null;
    readonly message: string;
  } | null;
}

test('a failed load explained: the verdict, cause and place the CLI gives, and a way to the bytes', async ({ page }) => {
  const cli = await cliJson<ExplainJson>(['explain', SAMPLE_STREAM, '--dest-log', SAMPLE_LOG, '--json']);
  expect(cli.verdict).toBe('fails');
  const failure = cli.failure;
  if (failure === null || failure.section === null || failure.offset === null) throw new Error('the CLI names no failure place');

  const app = new Dashboard(page);
  await app.goto('#sample=e-7.2-footer');
  await app.openTab('Explain');

  const verdict = page.getByTestId('explain-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', cli.verdict);
  await expect(verdict).toHaveAttribute('data-basis', cli.basis);
  await expect(verdict).toContainText('Load fails');
  await expect(page.getByTestId('explain-cause')).toHaveText(failure.cause);
  await expect(page.getByTestId('explain-section')).toHaveAttribute('data-idstr', failure.section.idstr);
  await expect(page.getByTestId('explain-section')).toHaveAttribute('data-instance', String(failure.section.instance));
  await expect(page.getByTestId('explain-offset')).toHaveAttribute('data-offset', String(failure.offset));
  await expect(page.getByTestId('explain-message')).toHaveText(failure.message);
  if (failure.field !== null) await expect(page.getByTestId('explain-field')).toHaveText(failure.field);
  // The sections the destination read before it stopped end with the one before the failure.
  await expect(page.getByTestId('explain-loaded').locator('li').last()).toHaveAttribute('data-idstr', 'hpet');

  await app.screenshot('views-explain');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('views-explain-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.emulateMedia({ media: 'print' });
  await app.screenshot('views-explain-print');
  await page.emulateMedia({ media: 'screen' });

  // The section opens in the Stream tab, selected, with the failing byte highlighted.
  await page.getByTestId('explain-open-section').click();
  await app.waitForIdle();
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await expect(app.sectionRow(failure.section.idstr)).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(failure.offset)).toHaveClass(/\bsel\b/);

  // The load log next to the stream explains the failure in place.
  const banner = page.getByTestId('explain-banner');
  await expect(banner).toHaveAttribute('data-verdict', 'fails');
  await expect(banner).toContainText(`Load fails: ${failure.message.split('\n')[0] ?? ''}`);
  await app.screenshot('views-explain-stream-banner');
  await banner.getByRole('button', { name: 'open explanation' }).click();
  await expect(app.tab('Explain')).toHaveAttribute('aria-selected', 'true');
});

test('dropping the destination log on an open stream puts the verdict above it', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(SAMPLE_STREAM);
  await expect(page.getByTestId('explain-banner')).toHaveCount(0);
  await app.dropFiles(SAMPLE_LOG);
  await app.openTab('Stream');
  await expect(page.getByTestId('explain-banner')).toContainText('Load fails: Missing section footer for mc146818rtc');
});
