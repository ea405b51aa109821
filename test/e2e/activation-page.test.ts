/**
 * The activation page over HTTP on the local stack: what a mail scanner, a forged form and a
 * mangled link get. The confirmation link comes from the email, as FIC's activation produced it.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#shared/adapters/clock';
import { DynamoDbCompanyRepository } from '#shared/adapters/dynamodb/repository';
import { createCompany } from '#shared/use-cases/create-company';
import { FicSimulatorClient } from '../../infra/local/fic-simulator.ts';
import { dynamoDb, eventually, stack } from '../support/stack.ts';
import { randomVatNumber } from '../../infra/local/synthetic-ids.ts';

const fic = new FicSimulatorClient(stack.functionEnv.FIC_API_BASE_URL!);
const repository = new DynamoDbCompanyRepository(dynamoDb, stack.tableName);
let link: string;
let companyId: string;

async function pendingTokenHash(): Promise<string | undefined> {
  return (await repository.companyWithConnections(companyId))?.company.pendingActivation?.tokenHash;
}

beforeAll(async () => {
  const address = `titolare+${randomUUID()}@caffe-angolo.example`;
  const vatNumber = randomVatNumber();
  const name = "Caffè dell'Angolo S.r.l.";
  ({ companyId } = await createCompany(
    { repository, clock: systemClock },
    { studio: { studioId: `studio-http-${randomUUID().slice(0, 8)}`, displayName: 'Studio Rossi' }, channel: 'lynfa', vatNumber, name, email: address, extend: [] },
  ));
  await fic.activate({ vatNumber, name });
  link = await eventually(async () => {
    const store = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] };
    const text = store.emails.find((email) => email.destination.to.includes(address))?.body.text;
    return /https?:\/\/\S+\/v1\/activations\/[A-Za-z0-9_-]{43}/.exec(text ?? '')?.[0];
  });
});

describe('the activation page over HTTP', () => {
  it('answers a scanner\'s HEAD and GET with the page and strict headers, and changes nothing', async () => {
    const pendingBefore = await pendingTokenHash();

    const head = await fetch(link, { method: 'HEAD' });
    const get = await fetch(link, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks scanner)' } });

    expect(head.status).toBe(200);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('Caffè dell&#39;Angolo S.r.l.');
    expect(get.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(get.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-[^']+'; form-action 'self'; frame-ancestors 'none'/);
    expect(get.headers.get('referrer-policy')).toBe('no-referrer');
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
    expect(get.headers.get('x-frame-options')).toBe('DENY');
    expect(get.headers.get('set-cookie')).toMatch(/^agyo-activation-csrf=[\w-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Strict$/);
    expect(await pendingTokenHash()).toBe(pendingBefore);
    expect(pendingBefore).toBeDefined();
  });

  it('refuses a POST without the page\'s anti-forgery pair, or from another site, with 403 and confirms nothing', async () => {
    const page = await fetch(link);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="csrf" value="([\w-]{43})"/.exec(await page.text())![1]!;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    const forged = [
      fetch(link, { method: 'POST', headers: form, body: `csrf=${csrf}` }),
      fetch(link, { method: 'POST', headers: { ...form, cookie }, body: 'csrf=' }),
      fetch(link, { method: 'POST', headers: { ...form, cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, body: `csrf=${csrf}` }),
    ];

    for (const response of await Promise.all(forged)) {
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('Richiesta non valida');
    }
    expect(await pendingTokenHash()).toBeDefined();
  });

  it('answers 404 to a mangled link and to an unknown token', async () => {
    const base = link.slice(0, link.lastIndexOf('/') + 1);

    const mangled = await fetch(`${link}x`);
    const unknown = await fetch(`${base}${'A'.repeat(43)}`);

    expect(mangled.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Link non valido');
  });

  it('confirms once on a proper POST; the link is then spent (410)', async () => {
    const page = await fetch(link);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="csrf" value="([\w-]{43})"/.exec(await page.text())![1]!;
    const post = () =>
      fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: new URL(link).origin }, body: `csrf=${csrf}` });

    const confirmed = await post();
    const again = await post();

    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Attivazione confermata');
    expect(again.status).toBe(410);
    expect((await fetch(link)).status).toBe(410);
    expect(await pendingTokenHash()).toBeUndefined();
  });
});
