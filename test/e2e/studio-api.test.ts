/**
 * The Studio API over real HTTP against the running local stack, real JWTs: pagination of
 * "Connessioni", the resend rate limit, the conflicts the domain names (and what they tell the Studio
 * to do instead), the invisibility of other Studios' companies, and the JWT authorizer answering 401
 * before any handler runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateKeyPair, localKeyNames } from '../../infra/local/keys.ts';
import { mintStudioToken } from '../../infra/local/studio-token.ts';
import { eventually, functionConfig, studioToken } from '../support/stack.ts';
import {
  activationLinkIn,
  agePendingActivation,
  connectionRequestFor,
  emailsTo,
  expectProblem,
  expectUnauthorized,
  fic,
  nthEmailTo,
  openActivationPage,
  pressConfirm,
  StudioClient,
  tableItemsForVat,
  uniqueEmail,
  uniqueVatNumber,
} from '../support/e2e-api.ts';

/** Creates a company, has FIC activate it, and returns the first confirmation link. */
async function awaitingConfirmation(studio: StudioClient, extend: string[] = []) {
  const company = await studio.newCompany({ extend });
  const activation = await fic.activate({ vatNumber: company.vatNumber, name: `Azienda ${company.vatNumber} S.r.l.` });
  expect(activation.delivery.status).toBe(202);
  const link = activationLinkIn(await nthEmailTo(company.email, 1));
  return { ...company, link };
}

describe.concurrent('listing connections', () => {
  it('pages through more companies than a page holds, by name, each exactly once, following nextCursor', async () => {
    const studio = await StudioClient.create('paging');
    const names = ['Zeta', 'Àlfa', 'beta', 'Gamma', 'delta', 'Epsilon', 'Eta'].map((n) => `${n} S.r.l.`);
    const created = await Promise.all(names.map((name) => studio.newCompany({ name })));

    const { pages, items } = await studio.allConnections(3);

    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(items.map((item) => item.companyId).sort()).toEqual(created.map((c) => c.companyId).sort());
    // Alphabetical, case- and accent-insensitive.
    expect(items.map((item) => item.name)).toEqual(['Àlfa S.r.l.', 'beta S.r.l.', 'delta S.r.l.', 'Epsilon S.r.l.', 'Eta S.r.l.', 'Gamma S.r.l.', 'Zeta S.r.l.']);
    for (const item of items) {
      expect(item).toMatchObject({
        access: 'full',
        connection: { status: 'active', requestedBy: 'portal' },
        services: { sdi: { status: 'inactive' }, eRicevi: { status: 'inactive' } },
        activationPending: false,
      });
    }
    // A page size larger than the list: one page, no cursor.
    const whole = await studio.listConnections({ query: { limit: '100' } });
    expect(whole.json.items).toEqual(items);
    expect(whole.json.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue and a page size out of range', async () => {
    const studio = await StudioClient.create('paging-bad');
    const forged = await studio.listConnections({ query: { cursor: 'bm90LWEtY3Vyc29y' } });
    expect(expectProblem(forged, 400, 'malformed-request').errors).toEqual([{ pointer: 'query:cursor', detail: expect.any(String) }]);
    const tooMany = await studio.listConnections({ query: { limit: '101' } });
    expect(expectProblem(tooMany, 400, 'malformed-request').errors).toEqual([{ pointer: 'query:limit', detail: expect.any(String) }]);
  });
});

describe.concurrent('resending the activation email', () => {
  it('is refused with 429 and Retry-After while the last email is fresh; once allowed, a new link replaces the old one (410)', async () => {
    const studio = await StudioClient.create('resend');
    const { companyId, email, link: firstLink } = await awaitingConfirmation(studio);

    const tooSoon = await studio.resend(companyId);
    const body = expectProblem(tooSoon, 429, 'resend-too-soon');
    const retryAfter = Number(tooSoon.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(body.retryAfterSeconds).toBe(retryAfter);
    expect(await emailsTo(email)).toHaveLength(1);

    // A minute later (the pending activation's instant moved back, instead of sleeping).
    await agePendingActivation(companyId, 61);
    const resent = await studio.resend(companyId);
    expect(resent.status, resent.text).toBe(202);
    expect(resent.json).toEqual({ requestedAt: expect.any(String), expiresAt: expect.any(String) });

    const secondLink = activationLinkIn(await nthEmailTo(email, 2));
    expect(secondLink).not.toBe(firstLink);
    expect((await openActivationPage(firstLink)).status).toBe(410);
    expect((await openActivationPage(secondLink)).status).toBe(200);
    expect((await studio.getCompany(companyId)).json.activationPending).toEqual(resent.json);

    // Resending right after the resend is too soon again.
    expectProblem(await studio.resend(companyId), 429, 'resend-too-soon');
    // Once confirmed there is nothing to resend.
    expect((await pressConfirm(secondLink)).status).toBe(200);
    expectProblem(await studio.resend(companyId), 409, 'activation-not-pending');
    expect(await emailsTo(email)).toHaveLength(2);
  });

  it('answers 409 when no confirmation is awaited (FIC has not activated yet)', async () => {
    const studio = await StudioClient.create('resend-none');
    const { companyId, email } = await studio.newCompany();
    expectProblem(await studio.resend(companyId), 409, 'activation-not-pending');
    expect(await emailsTo(email)).toEqual([]);
  });
});

describe.concurrent('extending services', () => {
  it('is refused with 409 once the services are billed to the FIC client (after the confirmation)', async () => {
    const studio = await StudioClient.create('extend-late');
    const { companyId, link } = await awaitingConfirmation(studio);
    expect((await pressConfirm(link)).status).toBe(200);
    const before = (await studio.getCompany(companyId)).json;

    const refused = await studio.extend(companyId, ['sdi']);

    expect(expectProblem(refused, 409, 'service-with-fic-client').service).toBe('sdi');
    expect((await studio.getCompany(companyId)).json).toEqual(before);
  });

  it('before FIC activation, extends one service and then the other; extending one already extended changes nothing', async () => {
    const studio = await StudioClient.create('extend');
    const { companyId } = await studio.newCompany();

    const sdi = await studio.extend(companyId, ['sdi']);
    expect(sdi.status, sdi.text).toBe(200);
    expect(sdi.json.services).toMatchObject({ sdi: { status: 'active', payer: { kind: 'thisStudio' } }, eRicevi: { status: 'inactive' } });
    const both = await studio.via('lynfa').extend(companyId, ['sdi', 'eRicevi']);
    expect(both.status).toBe(200);
    expect(both.json.services.sdi).toEqual(sdi.json.services.sdi);
    expect(both.json.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'thisStudio' } });
    const extended = (await studio.timeline(companyId)).json.items.filter((entry: any) => entry.action === 'serviceExtended');
    expect(extended.map((entry: any) => [entry.details.service, entry.actor.channel])).toEqual([['sdi', 'portal'], ['eRicevi', 'lynfa']]);
  });

  it("a second Studio cannot become payer of a service another Studio pays for (409), and may not extend at all while its connection is pending (403)", async () => {
    const studioA = await StudioClient.create('payer-a');
    const studioB = await StudioClient.create('payer-b', 'lynfa');
    const { companyId, vatNumber } = await studioA.newCompany({ extend: ['sdi'] });

    expect((await studioB.connect(vatNumber)).status).toBe(202);
    expectProblem(await studioB.extend(companyId, ['eRicevi']), 403, 'connection-pending');
    const request = await connectionRequestFor(vatNumber, studioB.studioId);
    expect((await fic.confirm(request.requestId)).delivery.status).toBe(202);
    await eventually(async () => (await studioB.getCompany(companyId)).json?.access === 'full');

    const refused = await studioB.extend(companyId, ['sdi']);
    expect(expectProblem(refused, 409, 'service-extended-by-another-studio').service).toBe('sdi');
    expect(refused.text).not.toContain(studioA.studioId);
    const both = await studioB.extend(companyId, ['sdi', 'eRicevi']);
    expectProblem(both, 409, 'service-extended-by-another-studio');

    // Nothing moved: A still pays sdi, eRicevi is still off.
    const seenByA = (await studioA.getCompany(companyId)).json;
    expect(seenByA.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'thisStudio' } });
    expect(seenByA.services.eRicevi).toEqual({ status: 'inactive', history: [] });
    // The free service B may extend; A sees "another Studio", never B's id.
    const eRicevi = await studioB.extend(companyId, ['eRicevi']);
    expect(eRicevi.status, eRicevi.text).toBe(200);
    expect(eRicevi.json.services).toMatchObject({ sdi: { payer: { kind: 'anotherStudio' } }, eRicevi: { payer: { kind: 'thisStudio' } } });
    const afterB = await studioA.getCompany(companyId);
    expect(afterB.json.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'anotherStudio' } });
    expect(afterB.text).not.toContain(studioB.studioId);
  });
});

describe.concurrent('connecting', () => {
  it('twice is harmless: 202, then 200 with alreadyConnected, and FIC is asked once', async () => {
    const owner = await StudioClient.create('connect-owner');
    const studio = await StudioClient.create('connect-twice', 'lynfa');
    const { vatNumber, companyId } = await owner.newCompany();

    const first = await studio.connect(vatNumber);
    const second = await studio.via('portal').connect(vatNumber);

    expect(first.status, first.text).toBe(202);
    expect(second.status, second.text).toBe(200);
    expect(first.json.alreadyConnected).toBe(false);
    expect(second.json).toEqual({ ...first.json, alreadyConnected: true });
    expect(second.json.view).toMatchObject({ access: 'redacted', companyId, connection: { status: 'pending', requestedBy: 'lynfa' } });
    await connectionRequestFor(vatNumber, studio.studioId);
    expect((await fic.requests()).filter((r) => r.vatNumber === vatNumber)).toHaveLength(1);
    const requested = (await owner.timeline(companyId)).json.items.filter((entry: any) => entry.action === 'connectionRequested');
    expect(requested).toHaveLength(1);

    // The creating Studio connecting to its own company: already connected, nothing new.
    const own = await owner.connect(vatNumber);
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ alreadyConnected: true, view: { access: 'full', companyId } });
  });

  it('to a Partita IVA nobody has: 404, and nothing is created', async () => {
    const studio = await StudioClient.create('connect-unknown');
    const vatNumber = uniqueVatNumber();
    expectProblem(await studio.connect(vatNumber), 404, 'not-found');
    expect(await tableItemsForVat(vatNumber)).toEqual([]);
  });
});

describe.concurrent("another Studio's company", () => {
  it('is invisible to Studio B: reading, the timeline, extending and resending answer 404 (not 403), and the list does not show it', async () => {
    const studioA = await StudioClient.create('owner');
    const studioB = await StudioClient.create('stranger');
    const { companyId, link } = await awaitingConfirmation(studioA);
    const unknownId = 'a'.repeat(26);

    const attempts = {
      read: await studioB.getCompany(companyId),
      timeline: await studioB.timeline(companyId),
      extend: await studioB.extend(companyId, ['sdi']),
      resend: await studioB.resend(companyId),
    };
    const unknown = await studioB.getCompany(unknownId);

    for (const response of Object.values(attempts)) {
      const problem = expectProblem(response, 404, 'not-found');
      expect(response.text).not.toContain(companyId);
      // Indistinguishable from an id that does not exist.
      const { instance: _a, ...rest } = problem;
      const { instance: _b, ...unknownRest } = expectProblem(unknown, 404, 'not-found');
      expect(rest).toEqual(unknownRest);
    }
    expect((await studioB.listConnections()).json).toEqual({ items: [] });

    // Studio A's company is untouched: no extension, the first link still valid (no resend happened).
    const seenByA = (await studioA.getCompany(companyId)).json;
    expect(seenByA.services.sdi).toEqual({ status: 'inactive', history: [] });
    expect((await openActivationPage(link)).status).toBe(200);
  });
});

describe.concurrent('creating a company that exists', () => {
  it('answers 409 whose body says how to connect instead, for another Studio and for the same one', async () => {
    const studioA = await StudioClient.create('first');
    const studioB = await StudioClient.create('second', 'lynfa');
    const { vatNumber, companyId } = await studioA.newCompany({ name: 'Primo S.r.l.' });
    const before = (await studioA.getCompany(companyId)).json;

    for (const studio of [studioB, studioA]) {
      const conflict = await studio.createCompany({ vatNumber, name: 'Secondo S.r.l.', email: uniqueEmail('other'), extend: ['sdi'] });
      const problem = expectProblem(conflict, 409, 'company-exists');
      expect(problem.detail).toMatch(/connect/i);
      expect(problem.connectInstead).toEqual({ method: 'POST', path: '/v1/connections', body: { vatNumber } });
      expect(conflict.text).not.toContain(companyId);
    }
    expect((await studioA.getCompany(companyId)).json).toEqual(before);

    // Doing what the problem says works.
    const connected = await studioB.connect(vatNumber);
    expect(connected.status).toBe(202);
    expect(connected.json.view).toMatchObject({ access: 'redacted', companyId, name: 'Primo S.r.l.' });
  });
});

describe.concurrent('authentication', () => {
  it('answers 401 to a missing, expired, wrong-audience, wrongly signed or malformed token, before any handler runs', async () => {
    const studio = await StudioClient.create('auth');
    const otherKeys = mkdtempSync(path.join(tmpdir(), 'e2e-other-idp-'));
    let forged: string;
    try {
      const foreign = await loadOrCreateKeyPair(otherKeys, localKeyNames.studioIssuer);
      forged = await mintStudioToken(foreign.privateJwk, {
        studioId: studio.studioId,
        issuer: functionConfig.STUDIO_JWT_ISSUER,
        audience: functionConfig.STUDIO_JWT_AUDIENCE,
        expiresInSeconds: 600,
      });
    } finally {
      rmSync(otherKeys, { recursive: true, force: true });
    }
    const tokens: Record<string, string | null> = {
      missing: null,
      expired: await studioToken(studio.studioId, { expiresInSeconds: -120 }),
      wrongAudience: await studioToken(studio.studioId, { audience: 'someone-else' }),
      wronglySigned: forged,
      malformed: 'not-a-jwt',
    };
    const vatNumber = uniqueVatNumber();

    for (const [why, token] of Object.entries(tokens)) {
      const create = await studio.createCompany({ vatNumber, name: 'Mai Creata S.r.l.', email: uniqueEmail('never') }, { token });
      const list = await studio.listConnections({ token });
      // Even a body the handler would refuse gets the authorizer's answer: no handler ran.
      const broken = await studio.call('POST', '/v1/companies', {}, { rawBody: '{', token, channel: 'fax' });
      for (const response of [create, list, broken]) {
        expect(response.status, why).toBe(401);
        expectUnauthorized(response);
      }
    }
    expect(await tableItemsForVat(vatNumber)).toEqual([]);

    // The same request with the Studio's valid token goes through.
    expect((await studio.createCompany({ vatNumber, name: 'Ora Creata S.r.l.', email: uniqueEmail('now') })).status).toBe(201);
  });
});
