// The three cases of DOMAIN.md, end to end at the use-case level, against DynamoDB Local.
import { describe, expect, it } from 'vitest';
import { confirmActivationByToken, previewActivation } from '#shared/use-cases/activation-page';
import { connectToCompany } from '#shared/use-cases/connect-to-company';
import { createCompany } from '#shared/use-cases/create-company';
import { getCompanyForStudio } from '#shared/use-cases/get-company';
import { getTimelineForStudio } from '#shared/use-cases/get-timeline';
import { handleFicEvent } from '#shared/use-cases/handle-fic-event';
import { listConnections } from '#shared/use-cases/list-connections';
import { CompanyAlreadyExistsError } from '#shared/domain/errors';
import { activationEvent, newStudio, testDependencies, tokenOf, uniqueVat } from './fixtures.ts';

describe('case 1: the Studio creates the company, no extension', () => {
  it('is active for the Studio at once; FIC activation emails the company; confirmation bills both services to the FIC client', async () => {
    // Prepare
    const deps = testDependencies();
    const studio = newStudio('Studio Rossi');
    const vatNumber = uniqueVat();

    // Act: creation
    const created = await createCompany(deps, {
      studio,
      channel: 'portal',
      vatNumber,
      name: "Caffè dell'Angolo S.r.l.",
      email: 'amministrazione@caffe-angolo.example',
      extend: [],
    });

    // Assess
    expect(created).toMatchObject({ access: 'full', vatNumber, connection: { status: 'active', requestedBy: 'portal' } });
    if (created.access !== 'full') throw new Error('expected full view');
    expect(created.services.sdi.status).toBe('inactive');
    expect(created.services.eRicevi.status).toBe('inactive');

    // Act: FIC says the company activated e-invoicing
    const result = await handleFicEvent(deps, activationEvent(vatNumber));

    // Assess: one email to the Agyo address, naming the Studio and what will change
    expect(result).toEqual({ outcome: 'applied', detail: 'confirmationRequested' });
    expect(deps.mailer.sent).toHaveLength(1);
    const email = deps.mailer.sent[0]!;
    expect(email).toMatchObject({
      to: 'amministrazione@caffe-angolo.example',
      companyName: "Caffè dell'Angolo S.r.l.",
      vatNumber,
      studioNames: ['Studio Rossi'],
    });
    expect(email.confirmUrl).toMatch(/^https:\/\/agyo\.example\/v1\/activations\/[A-Za-z0-9_-]{43}$/);
    expect(email.changes).toEqual([
      { service: 'sdi', before: null, after: { kind: 'ficClient' } },
      { service: 'eRicevi', before: null, after: { kind: 'ficClient' } },
    ]);

    // Act: the page shows, then the button confirms
    const preview = await previewActivation(deps, { token: tokenOf(email) });
    const confirmed = await confirmActivationByToken(deps, { token: tokenOf(email) });

    // Assess
    expect(preview).toMatchObject({ companyName: "Caffè dell'Angolo S.r.l.", vatNumber, studioNames: ['Studio Rossi'], expiresAt: email.expiresAt });
    expect(confirmed.changes).toEqual(email.changes);
    const view = await getCompanyForStudio(deps, { studioId: studio.studioId, companyId: created.companyId });
    if (view.access !== 'full') throw new Error('expected full view');
    expect(view.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    expect(view.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    expect(view.activationPending).toBeUndefined();
    const timeline = await getTimelineForStudio(deps, { studioId: studio.studioId, companyId: created.companyId, limit: 50 });
    expect(timeline.items.map((entry) => entry.action)).toEqual([
      'companyCreated',
      'connectionActivated',
      'ficActivationReceived',
      'activationRequested',
      'activationConfirmed',
      'serviceActivated',
      'serviceActivated',
    ]);
  });
});

describe('case 2: the Studio creates the company and extends sdi and eRicevi', () => {
  it('bills the Studio at once, then moves both services to the FIC client at the confirmation instant', async () => {
    const deps = testDependencies();
    const studio = newStudio('Studio Bianchi');
    const vatNumber = uniqueVat();

    const created = await createCompany(deps, {
      studio,
      channel: 'lynfa',
      vatNumber,
      name: 'Ferramenta Bianchi S.n.c.',
      email: 'info@ferramenta-bianchi.example',
      extend: ['sdi', 'eRicevi'],
    });
    if (created.access !== 'full') throw new Error('expected full view');
    expect(created.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'thisStudio' } });
    expect(created.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'thisStudio' } });

    await handleFicEvent(deps, activationEvent(vatNumber, { name: 'Ferramenta Bianchi' }));
    const email = deps.mailer.sent[0]!;
    expect(email.changes).toEqual([
      { service: 'sdi', before: { kind: 'studio', studioId: studio.studioId }, after: { kind: 'ficClient' } },
      { service: 'eRicevi', before: { kind: 'studio', studioId: studio.studioId }, after: { kind: 'ficClient' } },
    ]);
    // The email names the Studio that pays today, so the company knows whose bill it takes over.
    expect(email.studioNamesById).toEqual({ [studio.studioId]: 'Studio Bianchi' });
    await confirmActivationByToken(deps, { token: tokenOf(email) });

    const view = await getCompanyForStudio(deps, { studioId: studio.studioId, companyId: created.companyId });
    if (view.access !== 'full') throw new Error('expected full view');
    for (const service of [view.services.sdi, view.services.eRicevi]) {
      expect(service.status).toBe('active');
      // History: the Studio paid from creation until the confirmation instant, then the FIC client.
      expect(service.history).toHaveLength(2);
      const [studioPeriod, ficPeriod] = service.history;
      expect(studioPeriod).toMatchObject({ payer: { kind: 'thisStudio' } });
      expect(ficPeriod).toMatchObject({ payer: { kind: 'ficClient' } });
      expect(studioPeriod!.to).toBe(ficPeriod!.from);
      expect(ficPeriod!.to).toBeUndefined();
    }
  });
});

describe('case 3: the company is not on Agyo yet', () => {
  it('is created by the FIC activation, then a Studio connects (pending, request published) until FIC confirms', async () => {
    const deps = testDependencies();
    const studio = newStudio('Studio Verdi');
    const vatNumber = uniqueVat();

    const activated = await handleFicEvent(deps, activationEvent(vatNumber, { ficCompanyId: '4242', name: 'Pasticceria Nonna Àgata' }));
    expect(activated).toEqual({ outcome: 'applied', detail: 'companyCreated' });
    expect(deps.mailer.sent).toHaveLength(0);

    // A Studio that tries to create it is told to connect instead.
    await expect(
      createCompany(deps, { studio, channel: 'portal', vatNumber, name: 'x', email: 'x@example.com', extend: [] }),
    ).rejects.toBeInstanceOf(CompanyAlreadyExistsError);

    const connected = await connectToCompany(deps, { studio, channel: 'lynfa', vatNumber });
    expect(connected.alreadyConnected).toBe(false);
    expect(connected.view).toEqual({
      access: 'redacted',
      companyId: connected.view.companyId,
      vatNumber,
      name: 'Pasticceria Nonna Àgata',
      connection: { status: 'pending', since: expect.any(String), requestedBy: 'lynfa' },
    });
    expect(deps.connectionRequests.published).toHaveLength(1);
    const request = deps.connectionRequests.published[0]!;
    expect(request).toMatchObject({ companyId: connected.view.companyId, vatNumber, ficCompanyId: '4242', studioId: studio.studioId, studioName: 'Studio Verdi' });

    // Connecting again while pending publishes the same request again (repairs a lost publish).
    const again = await connectToCompany(deps, { studio, channel: 'portal', vatNumber });
    expect(again.alreadyConnected).toBe(true);
    expect(deps.connectionRequests.published.map((r) => r.requestId)).toEqual([request.requestId, request.requestId]);

    // Pending: the timeline is not readable yet.
    const hidden = await getTimelineForStudio(deps, { studioId: studio.studioId, companyId: connected.view.companyId, limit: 10 });
    expect(hidden.items).toEqual([]);

    const confirmed = await handleFicEvent(deps, {
      kind: 'connectionConfirmed',
      eventId: `evt-${request.requestId}`,
      ficCompanyId: '4242',
      requestId: request.requestId,
      at: new Date().toISOString(),
    });
    expect(confirmed).toEqual({ outcome: 'applied', detail: 'connectionConfirmed' });

    const view = await getCompanyForStudio(deps, { studioId: studio.studioId, companyId: connected.view.companyId });
    if (view.access !== 'full') throw new Error('expected full view');
    expect(view.connection.status).toBe('active');
    expect(view.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    expect(view.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    const list = await listConnections(deps, { studioId: studio.studioId, limit: 10 });
    expect(list.items).toEqual([
      expect.objectContaining({ access: 'full', companyId: view.companyId, connection: expect.objectContaining({ status: 'active' }) }),
    ]);
  });

  it('a rejected connection disappears from the Studio; the Studio may ask again with a new request', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const vatNumber = uniqueVat();
    await handleFicEvent(deps, activationEvent(vatNumber));
    const { view } = await connectToCompany(deps, { studio, channel: 'portal', vatNumber });
    const first = deps.connectionRequests.published[0]!;

    const rejected = await handleFicEvent(deps, {
      kind: 'connectionRejected',
      eventId: `evt-${first.requestId}-r`,
      ficCompanyId: '1',
      requestId: first.requestId,
      at: new Date().toISOString(),
    });

    expect(rejected.outcome).toBe('applied');
    await expect(getCompanyForStudio(deps, { studioId: studio.studioId, companyId: view.companyId })).rejects.toMatchObject({
      name: 'CompanyNotFoundError',
    });
    expect((await listConnections(deps, { studioId: studio.studioId, limit: 10 })).items).toEqual([]);
    const retry = await connectToCompany(deps, { studio, channel: 'portal', vatNumber });
    expect(retry.alreadyConnected).toBe(false);
    expect(deps.connectionRequests.published[1]!.requestId).not.toBe(first.requestId);
  });
});

describe('what FIC and the Studio repeat', () => {
  it('a failed publish of the connection request is repaired by the Studio connecting again', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const vatNumber = uniqueVat();
    await handleFicEvent(deps, activationEvent(vatNumber));
    deps.connectionRequests.failNext = 1;

    await expect(connectToCompany(deps, { studio, channel: 'portal', vatNumber })).rejects.toThrow('SQS is unavailable');
    const retried = await connectToCompany(deps, { studio, channel: 'portal', vatNumber });

    expect(retried.alreadyConnected).toBe(true);
    expect(retried.view.connection.status).toBe('pending');
    expect(deps.connectionRequests.published).toHaveLength(1);
  });

  it('a second activation (another event id) for a company already with the FIC client changes nothing and is noted', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio, channel: 'portal', vatNumber, name: 'Già Attiva', email: 'g@example.com', extend: [] });
    await handleFicEvent(deps, activationEvent(vatNumber));
    await confirmActivationByToken(deps, { token: tokenOf(deps.mailer.sent[0]) });
    const before = await getCompanyForStudio(deps, { studioId: studio.studioId, companyId: created.companyId });

    const again = await handleFicEvent(deps, activationEvent(vatNumber));

    expect(again).toEqual({ outcome: 'ignored', detail: 'alreadyWithFicClient' });
    expect(deps.mailer.sent).toHaveLength(1);
    expect(await getCompanyForStudio(deps, { studioId: studio.studioId, companyId: created.companyId })).toEqual(before);
    const timeline = await getTimelineForStudio(deps, { studioId: studio.studioId, companyId: created.companyId, limit: 100 });
    expect(timeline.items.at(-1)).toMatchObject({ action: 'ficActivationIgnored', details: { reason: 'alreadyWithFicClient' } });
  });

  it('an activation while a confirmation is pending sends no second email', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'In Attesa', email: 'a@example.com', extend: [] });
    await handleFicEvent(deps, activationEvent(vatNumber));

    const second = await handleFicEvent(deps, activationEvent(vatNumber));

    expect(second).toEqual({ outcome: 'applied', detail: 'confirmationAlreadyPending' });
    expect(deps.mailer.sent).toHaveLength(1);
    await expect(confirmActivationByToken(deps, { token: tokenOf(deps.mailer.sent[0]) })).resolves.toBeDefined();
  });
});
