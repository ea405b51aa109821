/**
 * The three cases of DOMAIN.md end to end, over real HTTP against the running local stack with real
 * Studio JWTs: the Studio API, the FIC simulator's signed webhooks, the email read back from the SES
 * emulator, the confirmation page (GET shows, the form's POST confirms) and the outbound connection
 * request to FIC. Every outcome is read back through the Studio API.
 */
import { describe, expect, it } from 'vitest';
import { ficEventTypes } from '#shared/fic/event-types';
import { eventually } from '../support/stack.ts';
import {
  activationLinkIn,
  connectionRequestFor,
  emailsMentioning,
  emailsTo,
  expectProblem,
  fic,
  nthEmailTo,
  openActivationPage,
  pressConfirm,
  storedCompany,
  StudioClient,
  tableItemsForVat,
  uniqueEmail,
  uniqueVatNumber,
} from '../support/e2e-api.ts';

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.concurrent('case 1: the Studio creates the company, no extension', () => {
  it('the company confirms from the Agyo email; both services start for the FIC client; the timeline says who did what, through which channel', async () => {
    const studio = await StudioClient.create('case1', 'portal');
    const vatNumber = uniqueVatNumber();
    const email = uniqueEmail('titolare');
    const name = "Caffè dell'Angolo S.r.l.";

    // The Studio creates the company from the portal: connected at once, nothing active.
    const created = await studio.createCompany({ vatNumber, taxCode: vatNumber, name, email });
    expect(created.status, created.text).toBe(201);
    const companyId = created.json.companyId as string;
    expect(created.headers.get('location')).toBe(`/v1/companies/${companyId}`);
    expect(created.json).toMatchObject({
      access: 'full',
      vatNumber,
      taxCode: vatNumber,
      name,
      email,
      connection: { status: 'active', requestedBy: 'portal' },
      services: { sdi: { status: 'inactive', history: [] }, eRicevi: { status: 'inactive', history: [] } },
      einvoicing: { status: 'notActivated' },
    });
    expect(created.json.activationPending).toBeUndefined();

    // The company switches on e-invoicing in FIC: a signed einvoicing.activated webhook.
    const activation = await fic.activate({ vatNumber, name });
    expect(activation.delivery).toMatchObject({ type: ficEventTypes.einvoicingActivated, status: 202 });

    // The email reaches the company's address on Agyo, in Italian, with the link.
    const mail = await nthEmailTo(email, 1);
    expect(mail.destination).toEqual({ to: [email], cc: [], bcc: [] });
    expect(mail.subject).toBe(`Conferma l'attivazione della fatturazione elettronica per ${name}`);
    expect(mail.body.text).toContain('Gentile cliente');
    expect(mail.body.text).toContain(`l'azienda ${name} (Partita IVA ${vatNumber}) ha attivato la fatturazione elettronica in Fatture in Cloud`);
    expect(mail.body.text).toContain('a carico del cliente FIC');
    expect(mail.body.html).toContain('lang="it"');
    const link = activationLinkIn(mail);
    expect(mail.body.html).toContain(`href="${link}"`);
    // Only this address got it (FIC holds no address of ours, and nobody else is told).
    expect((await emailsMentioning(vatNumber)).map((m) => m.destination.to)).toEqual([[email]]);

    // Awaiting the company: activation pending, services still off.
    const pending = await studio.getCompany(companyId);
    expect(pending.status).toBe(200);
    expect(pending.json).toMatchObject({
      einvoicing: { status: 'activated', lastEventId: activation.eventId },
      activationPending: { requestedAt: expect.stringMatching(isoInstant), expiresAt: expect.stringMatching(isoInstant) },
      services: { sdi: { status: 'inactive' }, eRicevi: { status: 'inactive' } },
    });

    // A mail scanner (or the company) opens the link: the page shows, nothing changes.
    const page = await openActivationPage(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Caffè dell&#39;Angolo S.r.l.');
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    expect((await studio.getCompany(companyId)).json).toEqual(pending.json);

    // The company presses the button.
    const before = new Date().toISOString();
    const confirmed = await pressConfirm(link);
    const after = new Date().toISOString();
    expect(confirmed.status).toBe(200);
    expect(confirmed.html).toContain('Attivazione confermata');

    // Both services active, billed to the FIC client, from the confirmation instant; read through the API.
    const final = await studio.getCompany(companyId);
    expect(final.status).toBe(200);
    expect(final.json.activationPending).toBeUndefined();
    const confirmedAt = final.json.services.sdi.history[0]?.from as string;
    expect(confirmedAt >= before && confirmedAt <= after).toBe(true);
    for (const service of ['sdi', 'eRicevi']) {
      expect(final.json.services[service]).toEqual({ status: 'active', payer: { kind: 'ficClient' }, history: [{ payer: { kind: 'ficClient' }, from: confirmedAt }] });
    }

    // The same through the "Connessioni" list and from Lynfa (STARTUPAGYO): every read shows it.
    for (const reader of [studio, studio.via('lynfa')]) {
      const list = await reader.listConnections({ query: { limit: '100' } });
      expect(list.status).toBe(200);
      expect(list.json.items).toContainEqual({
        access: 'full',
        companyId,
        vatNumber,
        name,
        connection: created.json.connection,
        services: { sdi: { status: 'active', payer: { kind: 'ficClient' }, since: confirmedAt }, eRicevi: { status: 'active', payer: { kind: 'ficClient' }, since: confirmedAt } },
        activationPending: false,
      });
    }

    // Who did what, when, through which channel, oldest first.
    const timeline = await studio.timeline(companyId);
    expect(timeline.status).toBe(200);
    const studioActor = { kind: 'studio', studioId: studio.studioId, channel: 'portal' };
    expect(timeline.json.items.map((entry: any) => [entry.action, entry.actor])).toEqual([
      ['companyCreated', studioActor],
      ['connectionActivated', studioActor],
      ['ficActivationReceived', { kind: 'fic', eventId: activation.eventId }],
      ['activationRequested', { kind: 'fic', eventId: activation.eventId }],
      ['activationConfirmed', { kind: 'company' }],
      ['serviceActivated', { kind: 'company' }],
      ['serviceActivated', { kind: 'company' }],
    ]);
    const confirmations = timeline.json.items.filter((entry: any) => entry.actor.kind === 'company');
    expect(confirmations.every((entry: any) => entry.at === confirmedAt)).toBe(true);
    expect(confirmations.slice(1).map((entry: any) => entry.details)).toEqual([
      { service: 'sdi', payer: { kind: 'ficClient' } },
      { service: 'eRicevi', payer: { kind: 'ficClient' } },
    ]);
    // One email in all, and the spent link now answers 410.
    expect(await emailsTo(email)).toHaveLength(1);
    expect((await openActivationPage(link)).status).toBe(410);
  });
});

describe.concurrent('case 2: the Studio creates the company and extends sdi and eRicevi', () => {
  it("the Studio pays at once; on the company's confirmation both pass to the FIC client and the Studio's billing ends at that very instant", async () => {
    const studio = await StudioClient.create('case2', 'lynfa');
    const vatNumber = uniqueVatNumber();
    const email = uniqueEmail('amministrazione');
    const name = 'Società Agricola Perché Sì S.s.';

    const created = await studio.createCompany({ vatNumber, name, email, extend: ['sdi', 'eRicevi'] });
    expect(created.status, created.text).toBe(201);
    const companyId = created.json.companyId as string;
    const extendedAt = created.json.services.sdi.history[0]?.from as string;
    expect(extendedAt).toMatch(isoInstant);
    for (const service of ['sdi', 'eRicevi']) {
      expect(created.json.services[service]).toEqual({ status: 'active', payer: { kind: 'thisStudio' }, history: [{ payer: { kind: 'thisStudio' }, from: extendedAt }] });
    }
    expect(created.json.connection).toMatchObject({ status: 'active', requestedBy: 'lynfa' });

    const activation = await fic.activate({ vatNumber, name });
    expect(activation.delivery.status).toBe(202);
    const mail = await nthEmailTo(email, 1);
    expect(mail.subject).toBe(`Conferma l'attivazione della fatturazione elettronica per ${name}`);
    // The email names who pays before and after: the Studio now, the FIC client after.
    expect(mail.body.text).toMatch(/prima .+, dopo .+/);
    const link = activationLinkIn(mail);

    // Until the button is pressed, the Studio still pays.
    const waiting = await studio.getCompany(companyId);
    expect(waiting.json.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'thisStudio' } });
    expect(waiting.json.activationPending).toBeDefined();
    expect((await openActivationPage(link)).status).toBe(200);
    expect((await studio.getCompany(companyId)).json).toEqual(waiting.json);

    const confirmed = await pressConfirm(link);
    expect(confirmed.status).toBe(200);

    const final = await studio.getCompany(companyId);
    expect(final.status).toBe(200);
    expect(final.json.activationPending).toBeUndefined();
    const timeline = (await studio.timeline(companyId)).json.items as any[];
    const confirmation = timeline.find((entry) => entry.action === 'activationConfirmed');
    expect(confirmation).toMatchObject({ actor: { kind: 'company' }, at: expect.stringMatching(isoInstant) });
    const confirmedAt = confirmation.at as string;
    expect(confirmedAt > extendedAt).toBe(true);
    for (const service of ['sdi', 'eRicevi']) {
      const view = final.json.services[service];
      expect(view).toEqual({
        status: 'active',
        payer: { kind: 'ficClient' },
        history: [
          { payer: { kind: 'thisStudio' }, from: extendedAt, to: confirmedAt },
          { payer: { kind: 'ficClient' }, from: confirmedAt },
        ],
      });
      // The Studio's period ends exactly where the FIC client's begins: no gap, no overlap.
      expect(view.history[0].to).toBe(view.history[1].from);
    }

    // The history says who paid what: the Studio extended (from Lynfa), the company's confirmation moved both.
    const ownActor = { kind: 'studio', studioId: studio.studioId, channel: 'lynfa' };
    expect(timeline.filter((entry) => entry.action === 'serviceExtended').map((entry) => [entry.actor, entry.details.service])).toEqual([
      [ownActor, 'sdi'],
      [ownActor, 'eRicevi'],
    ]);
    expect(timeline.filter((entry) => entry.action === 'servicePayerChanged')).toEqual(
      ['sdi', 'eRicevi'].map((service) => ({
        at: confirmedAt,
        actor: { kind: 'company' },
        action: 'servicePayerChanged',
        details: { service, from: { kind: 'studio', studioId: studio.studioId }, to: { kind: 'ficClient' } },
      })),
    );
    expect(timeline.some((entry) => entry.action === 'serviceActivated')).toBe(false);
  });
});

describe.concurrent('case 3: the company is not on Agyo yet', () => {
  /** FIC's activation creates the company; waits until it is in the table and returns it as stored. */
  async function activatedInFic(name: string) {
    const vatNumber = uniqueVatNumber();
    const activation = await fic.activate({ vatNumber, name });
    expect(activation.delivery.status).toBe(202);
    const companyId = await eventually(async () => (await tableItemsForVat(vatNumber)).find((item) => item.sk === 'VAT')?.companyId as string | undefined);
    return { vatNumber, companyId, activation };
  }

  it('FIC creates the company with both services for the FIC client and sends no email; the Studio connects (pending, redacted) and is in once the company confirms in FIC', async () => {
    const name = "L'Òrto di Nicolò S.n.c.";
    const { vatNumber, companyId, activation } = await activatedInFic(name);

    const stored = await storedCompany(companyId);
    expect(stored).toMatchObject({ vatNumber, name, ficCompanyId: String(activation.ficCompanyId) });
    for (const service of ['sdi', 'eRicevi']) expect(stored.services[service]).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    expect(stored.pendingActivation).toBeUndefined();

    // The Studio connects from Lynfa: pending, and it sees only what it already knew.
    const studio = await StudioClient.create('case3', 'lynfa');
    const connected = await studio.connect(vatNumber);
    expect(connected.status, connected.text).toBe(202);
    expect(connected.headers.get('location')).toBe(`/v1/companies/${companyId}`);
    expect(connected.json).toEqual({
      alreadyConnected: false,
      view: { access: 'redacted', companyId, vatNumber, name, connection: { status: 'pending', since: expect.stringMatching(isoInstant), requestedBy: 'lynfa' } },
    });
    const redacted = await studio.getCompany(companyId);
    expect(redacted.status).toBe(200);
    expect(redacted.json).toEqual(connected.json.view);
    expect((await studio.timeline(companyId)).json).toEqual({ items: [] });
    const listed = await studio.listConnections();
    expect(listed.json.items).toEqual([connected.json.view]);

    // FIC received the request to ask the company, for this company and this Studio.
    const request = await connectionRequestFor(vatNumber, studio.studioId);
    expect(request).toMatchObject({ ficCompanyId: activation.ficCompanyId, status: 'pending', studio: { id: studio.studioId } });

    // The company confirms inside FIC: connections.confirmed comes back signed.
    const { delivery, request: decided } = await fic.confirm(request.requestId);
    expect(delivery).toMatchObject({ type: ficEventTypes.connectionConfirmed, status: 202, eventId: decided.decisionEventId });

    const full = await eventually(async () => {
      const response = await studio.getCompany(companyId);
      return response.json?.access === 'full' ? response : undefined;
    });
    expect(full.json).toMatchObject({
      access: 'full',
      companyId,
      vatNumber,
      name,
      connection: { status: 'active', requestedBy: 'lynfa' },
      services: { sdi: { status: 'active', payer: { kind: 'ficClient' } }, eRicevi: { status: 'active', payer: { kind: 'ficClient' } } },
      einvoicing: { status: 'activated', lastEventId: activation.eventId },
    });
    expect(full.json.activationPending).toBeUndefined();

    // The timeline, now readable: FIC created it, the Studio asked (from Lynfa), FIC brought the company's yes.
    const timeline = (await studio.timeline(companyId)).json.items as any[];
    expect(timeline.map((entry) => [entry.action, entry.actor.kind])).toEqual([
      ['companyCreated', 'fic'],
      ['serviceActivated', 'fic'],
      ['serviceActivated', 'fic'],
      ['connectionRequested', 'studio'],
      ['connectionActivated', 'fic'],
    ]);
    expect(timeline[3].actor).toEqual({ kind: 'studio', studioId: studio.studioId, channel: 'lynfa' });
    expect(timeline[4].actor).toEqual({ kind: 'fic', eventId: decided.decisionEventId });

    // No email for any of it: the company acted in FIC itself.
    expect(await emailsMentioning(vatNumber)).toEqual([]);
    expect(await emailsMentioning(companyId)).toEqual([]);
  });

  it('when the company rejects the request in FIC, the Studio loses sight of it; the services stay with the FIC client', async () => {
    const { vatNumber, companyId } = await activatedInFic('Ferramenta Rossi S.r.l.');
    const studio = await StudioClient.create('case3-rejected', 'portal');

    const connected = await studio.connect(vatNumber);
    expect(connected.status, connected.text).toBe(202);
    expect(connected.json.view.connection.status).toBe('pending');
    const request = await connectionRequestFor(vatNumber, studio.studioId);

    const { delivery } = await fic.reject(request.requestId);
    expect(delivery).toMatchObject({ type: ficEventTypes.connectionRejected, status: 202 });

    await eventually(async () => (await studio.getCompany(companyId)).status === 404);
    expectProblem(await studio.getCompany(companyId), 404, 'not-found');
    expectProblem(await studio.timeline(companyId), 404, 'not-found');
    expect((await studio.listConnections()).json.items).toEqual([]);
    const stored = await storedCompany(companyId);
    for (const service of ['sdi', 'eRicevi']) expect(stored.services[service]).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });

    // The Studio may ask again: a new request, again pending.
    const again = await studio.connect(vatNumber);
    expect(again.status).toBe(202);
    expect(again.json.view.connection.status).toBe('pending');
    const second = await eventually(async () =>
      (await fic.requests()).find((r) => r.vatNumber === vatNumber && r.studio.id === studio.studioId && r.requestId !== request.requestId),
    );
    expect(second.status).toBe('pending');
    expect(await emailsMentioning(vatNumber)).toEqual([]);
  });
});
