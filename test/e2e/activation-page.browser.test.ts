/**
 * The company's side of case 2 in a real browser (Debian chromium via playwright-core): FIC reports
 * the activation (signed webhook from the FIC simulator, queue, processor), the link from the email
 * the SES emulator received opens the page, a mail scanner's HEAD and GET before it change nothing,
 * the page shows the details, the button confirms, the result is shown, and the link is then spent.
 * The Studio's part (creating the company) is set up through its use case: this test is about the page.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#shared/adapters/clock';
import { DynamoDbCompanyRepository } from '#shared/adapters/dynamodb/repository';
import type { Company } from '#shared/domain/company';
import { createCompany } from '#shared/use-cases/create-company';
import { FicSimulatorClient } from '../../infra/local/fic-simulator.ts';
import { dynamoDb, eventually, stack } from '../support/stack.ts';
import { launchChromium } from '../support/browser.ts';
import { randomVatNumber as newVatNumber } from '../../infra/local/synthetic-ids.ts';

// The functions call the simulator as FIC's API; the same server answers the control API.
const fic = new FicSimulatorClient(stack.functionEnv.FIC_API_BASE_URL!);
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

const repository = new DynamoDbCompanyRepository(dynamoDb, stack.tableName);


async function emailTo(address: string): Promise<StoredEmail | undefined> {
  const store = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.find((email) => email.destination.to.includes(address));
}

async function payers(companyId: string): Promise<Record<'sdi' | 'eRicevi', string>> {
  const company: Company = (await repository.companyWithConnections(companyId))!.company;
  const payer = (service: Company['services']['sdi']) =>
    service.status === 'active' ? (service.payer.kind === 'studio' ? service.payer.studioId : 'ficClient') : 'inactive';
  return { sdi: payer(company.services.sdi), eRicevi: payer(company.services.eRicevi) };
}

describe('the activation page in a browser', () => {
  it('opens the link from the email, shows the details, confirms on the button and shows the result', async () => {
    // Prepare: case 2 with `sdi` extended, so the page has a payer that changes and one that starts.
    const studio = { studioId: `studio-browser-${randomUUID().slice(0, 8)}`, displayName: 'Studio Bianchi & Associati' };
    const address = `titolare+${randomUUID()}@caffe-angolo.example`;
    const companyName = `Caffè dell'Angolo ${randomUUID().slice(0, 4)} S.r.l.`;
    const vatNumber = newVatNumber();
    const { companyId } = await createCompany(
      { repository, clock: systemClock },
      { studio, channel: 'portal', vatNumber, name: companyName, email: address, extend: ['sdi'] },
    );
    await fic.activate({ vatNumber, name: companyName });
    const email = await eventually(() => emailTo(address));
    const link = /https?:\/\/\S+\/v1\/activations\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0];
    expect(link).toBeDefined();
    expect(email.body.html).toContain(`href="${link}"`);

    // A mail scanner follows the link first: nothing changes.
    expect((await fetch(link!, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(link!)).status).toBe(200);
    expect(await payers(companyId)).toEqual({ sdi: studio.studioId, eRicevi: 'inactive' });

    // Act: the company opens the link and presses the button.
    const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const opened = await page.goto(link!);
    expect(opened?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').textContent()).toBe("Conferma l'attivazione della fatturazione elettronica");
    const details = await page.locator('main').innerText();
    expect(details).toContain(companyName);
    expect(details).toContain(vatNumber);
    expect(details).toContain('Studio Bianchi & Associati');
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.map((row) => row.split('\t').map((cell) => cell.trim()))).toEqual([
      ['Invio fatture (SdI)', 'lo Studio Bianchi & Associati', 'il cliente FIC'],
      ['Ricezione fatture (eRicevi)', 'non attivo', 'il cliente FIC'],
    ]);
    expect(details).toMatch(/Il link scade \S+ \d{1,2} \S+ \d{4} alle \d{2}:\d{2} \(ora italiana\)/);

    const [confirmation] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: "Confermo l'attivazione" }).click()]);

    // Assess: the result page, and the state the Studio sees.
    expect(confirmation?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Attivazione confermata');
    expect(await page.locator('[role="status"]').innerText()).toContain(companyName);
    expect(await payers(companyId)).toEqual({ sdi: 'ficClient', eRicevi: 'ficClient' });

    // The link is single use: opened again, it says so.
    const again = await page.goto(link!);
    expect(again?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('Attivazione già confermata');
    await context.close();
  });
});
