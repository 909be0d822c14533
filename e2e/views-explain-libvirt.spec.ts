import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

/**
 * Real libvirt 9.0.0 output (fixtures/README.md, "libvirt"): a `virsh save` file and the domain
 * log of the restore that failed, dropped as they are. The view must read the log's QEMU lines,
 * take the destination's command line and release from it, and say where they came from.
 */
const SAVE = repoPath('fixtures/libvirt/unknown-section-7.2/mslv-small.save');
const DOMAIN_LOG = repoPath('fixtures/libvirt/unknown-section-7.2/domain.log');
const VIRTIO_STREAM = repoPath('fixtures/libvirt/virtio-10.0-to-11.1/stream.mig.gz');
const VIRTIO_LOG = repoPath('fixtures/libvirt/virtio-10.0-to-11.1/domain.log');

interface ExplainJson {
  readonly verdict: string;
  readonly failure: { readonly cause: string; readonly section: { readonly idstr: string; readonly instance: number } | null; readonly offset: number | null; readonly message: string } | null;
}

test('a virsh save file and its libvirt domain log: the cause, and the destination facts from the log', async ({ page }) => {
  const cli = await cliJson<ExplainJson>(['explain', SAVE, '--dest-log', DOMAIN_LOG, '--json']);
  const failure = cli.failure;
  if (failure === null || failure.section === null || failure.offset === null) throw new Error('the CLI names no failure place');
  expect(failure.cause).toBe('UNKNOWN_SECTION');

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(SAVE, DOMAIN_LOG);
  // Told apart by content: the save file is a stream, the domain log a load log.
  await expect(app.fileItem('mslv-small.save')).toHaveAttribute('data-kind', 'stream');
  await expect(app.fileItem('domain.log')).toHaveAttribute('data-kind', 'trace-log');
  await expect(app.fileItem('domain.log')).toHaveAttribute('title', /libvirt domain log \(QEMU 7\.2\.22, libvirt 9\.0\.0, -machine pc-q35-7\.2, 5 starts/);
  await app.openTab('Explain');

  await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-verdict', 'fails');
  await expect(page.getByTestId('explain-cause')).toHaveText('UNKNOWN_SECTION');
  await expect(page.getByTestId('explain-section')).toHaveAttribute('data-idstr', '0000:00:03.0/virtio-rng');
  await expect(page.getByTestId('explain-offset')).toHaveAttribute('data-offset', String(failure.offset));
  await expect(page.getByTestId('explain-message')).toHaveText(failure.message);
  // QEMU's lines only: libvirt's "shutting down, reason=failed" is not quoted as QEMU's.
  await expect(page.getByTestId('explain-message')).not.toContainText('shutting down');
  await expect(page.getByTestId('explain-machine-source')).toContainText('from the command line in the libvirt log, lines 161-195');
  await expect(page.getByTestId('explain-version-source')).toContainText("7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3), from the libvirt log's header, line 160");
  await expect(page.getByTestId('explain-notes')).toContainText('read as a libvirt domain log (libvirt 9.0.0): 5 QEMU starts');
});

test('the 10.0 virtio stream restored into 11.1: the log names the queue, the view the section', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(VIRTIO_STREAM, VIRTIO_LOG);
  await app.openTab('Explain');
  await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-verdict', 'fails');
  await expect(page.getByTestId('explain-section')).toHaveAttribute('data-idstr', '0000:00:01.0:00.0/virtio-net');
  await expect(page.getByTestId('explain-message')).toContainText('VQ 2 vring.num 1024 exceeds allocated max 64');
  await expect(page.getByTestId('explain-version-source')).toContainText('11.1.3 (Debian 1:11.1.3+ds-1)');
});
