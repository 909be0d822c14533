import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { cliDecode, repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const STREAM = repoPath('fixtures/streams-extra/shapes/11.1/pc-q35-11.1-suppress-vmdesc.mig.gz');
const MANIFEST = repoPath('fixtures/versions/11.1/vmstate-pc-q35-11.1.json.gz');

/** axe-core on the offer alone: no serious or critical violation (ids listed when there are). */
async function offerViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('[data-testid="schema-offer"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

test('a manifest next to a stream without a vmdesc is offered as its schema, and decodes as the CLI does', async ({ page }) => {
  const cli = await cliDecode(STREAM, ['--manifest', MANIFEST]);
  const fwcfg = cli.devices?.find((d) => d.idstr === 'fw_cfg');
  const entry = fwcfg?.fields.find((f) => f.name === 'cur_entry');
  const offset = fwcfg?.fields.find((f) => f.name === 'cur_offset[1]');
  if (entry === undefined || offset === undefined) throw new Error('the CLI decodes no fw_cfg fields with the manifest');

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(STREAM, MANIFEST);
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  const offer = page.getByTestId('schema-offer');
  await expect(offer).toContainText('This stream has no vmdesc');
  await expect(app.sectionRow('fw_cfg')).toContainText('opaque');
  expect(await offerViolations(page)).toEqual([]);

  await offer.getByRole('button', { name: 'Decode with the manifest' }).click();
  await app.waitForIdle();
  await expect(offer).toContainText('The manifest vmstate-pc-q35-11.1.json.gz is the schema');
  await expect(offer).toContainText('decoded 21 of 29 device sections field by field');
  await expect(app.sectionRow('fw_cfg')).toContainText('manifest');
  await expect(app.sectionRow('timer')).toContainText('opaque');
  expect(await offerViolations(page)).toEqual([]);

  await app.sectionRow('fw_cfg').click();
  const entryRow = app.field('cur_entry');
  await expect(entryRow).toContainText(String(entry.value));
  await expect(app.field('cur_offset[1]')).toContainText(String(offset.value));
  await entryRow.click();
  await app.waitForIdle();
  await expect(page.getByTestId('hex-selection')).toContainText(`0x${entry.start.toString(16)}–0x${entry.end.toString(16)}`);
  await expect(page.getByTestId('node-details')).toContainText('a -dump-vmstate manifest gives the size of a field, not its type');

  await offer.getByRole('button', { name: 'Decode without it' }).click();
  await app.waitForIdle();
  await expect(app.sectionRow('fw_cfg')).toContainText('opaque');
  await expect(offer).toContainText('This stream has no vmdesc');
});
