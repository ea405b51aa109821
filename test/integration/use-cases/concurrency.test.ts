// Races and redeliveries: the state is always one a sequential order could produce, every effect happens once.
import { describe, expect, it } from 'vitest';
import { CompanyAlreadyExistsError } from '#shared/domain/errors';
import type { Company } from '#shared/domain/company';
import { ActivationLinkError, confirmActivationByToken } from '#shared/use-cases/activation-page';
import { createCompany } from '#shared/use-cases/create-company';
import { extendServicesForStudio } from '#shared/use-cases/extend-services';
import { handleFicEvent } from '#shared/use-cases/handle-fic-event';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { activationEvent, dynamoDb, newStudio, repository, settle, stack, testDependencies, timelineActions, tokenOf, uniqueVat } from './fixtures.ts';

async function storedCompany(companyId: string): Promise<Company> {
  const found = await repository.companyWithConnections(companyId);
  if (found === undefined) throw new Error(`No company ${companyId}`);
  return found.company;
}


describe('creation races', () => {
  it('50 concurrent creations of one Partita IVA make exactly one company; the 49 others learn its id', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const studios = Array.from({ length: 50 }, (_, i) => newStudio(`Studio ${i}`));

    const { values, errors } = await settle(
      studios.map((studio) =>
        createCompany(deps, { studio, channel: 'portal', vatNumber, name: 'Unica S.p.A.', email: 'unica@example.com', extend: ['sdi'] }),
      ),
    );

    expect(values).toHaveLength(1);
    expect(errors).toHaveLength(49);
    const winner = values[0]!;
    for (const error of errors) {
      expect(error).toBeInstanceOf(CompanyAlreadyExistsError);
      expect((error as CompanyAlreadyExistsError).companyId).toBe(winner.companyId);
      expect((error as Error).message).toMatch(/connect to it instead/);
    }
    const byIndex = await dynamoDb.send(
      new QueryCommand({
        TableName: stack.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :vat',
        ExpressionAttributeValues: { ':vat': `VAT#${vatNumber}` },
      }),
    );
    expect(byIndex.Items).toHaveLength(1);
    const found = await repository.companyWithConnections(winner.companyId);
    expect(found?.connections).toHaveLength(1);
    expect(await timelineActions(winner.companyId)).toEqual(['companyCreated', 'connectionActivated', 'serviceExtended']);
  });
});

describe('extension and confirmation races', () => {
  it('concurrent extensions of different services by the Studio both apply, each exactly once', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const created = await createCompany(deps, { studio, channel: 'portal', vatNumber: uniqueVat(), name: 'Due Servizi', email: 'a@example.com', extend: [] });

    const { errors } = await settle([
      ...Array.from({ length: 5 }, () => extendServicesForStudio(deps, { studio, channel: 'portal', companyId: created.companyId, services: ['sdi'] })),
      ...Array.from({ length: 5 }, () => extendServicesForStudio(deps, { studio, channel: 'lynfa', companyId: created.companyId, services: ['eRicevi'] })),
    ]);

    expect(errors).toEqual([]);
    const company = await storedCompany(created.companyId);
    expect(company.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'studio', studioId: studio.studioId } });
    expect(company.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'studio', studioId: studio.studioId } });
    expect(company.services.sdi.history).toHaveLength(1);
    expect(company.services.eRicevi.history).toHaveLength(1);
    const actions = await timelineActions(created.companyId);
    expect(actions.filter((action) => action === 'serviceExtended')).toHaveLength(2);
    // Version: 1 at creation, +1 per change that really happened.
    expect(company.version).toBe(3);
  });

  it('an extension racing the confirmation ends in a state of one sequential order', async () => {
    for (let round = 0; round < 5; round++) {
      const deps = testDependencies();
      const studio = newStudio();
      const vatNumber = uniqueVat();
      const created = await createCompany(deps, { studio, channel: 'portal', vatNumber, name: 'Corsa S.r.l.', email: 'corsa@example.com', extend: ['sdi'] });
      await handleFicEvent(deps, activationEvent(vatNumber));
      const token = tokenOf(deps.mailer.sent[0]);

      const [extension, confirmation] = await Promise.allSettled([
        extendServicesForStudio(deps, { studio, channel: 'portal', companyId: created.companyId, services: ['eRicevi'] }),
        confirmActivationByToken(deps, { token }),
      ]);

      expect(confirmation.status).toBe('fulfilled');
      const company = await storedCompany(created.companyId);
      // Whatever the order, both services end with the FIC client.
      expect(company.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
      expect(company.services.eRicevi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
      if (extension.status === 'fulfilled') {
        // Extension first: eRicevi was the Studio's, then passed to the FIC client at confirmation.
        expect(company.services.eRicevi.history.map((p) => p.payer.kind)).toEqual(['studio', 'ficClient']);
      } else {
        // Confirmation first: extending a service already billed to the FIC client is refused.
        expect(extension.reason).toMatchObject({ name: 'ServiceAlreadyBilledToFicClientError' });
        expect(company.services.eRicevi.history.map((p) => p.payer.kind)).toEqual(['ficClient']);
      }
      expect(company.pendingActivation).toBeUndefined();
    }
  });

  it('two concurrent confirmations of one token: exactly one succeeds, the other finds the link used', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Doppio Click', email: 'click@example.com', extend: [] });
    await handleFicEvent(deps, activationEvent(vatNumber));
    const token = tokenOf(deps.mailer.sent[0]);

    const { values, errors } = await settle([confirmActivationByToken(deps, { token }), confirmActivationByToken(deps, { token })]);

    expect(values).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ActivationLinkError);
    expect((errors[0] as ActivationLinkError).reason).toBe('used');
    const actions = await timelineActions(created.companyId);
    expect(actions.filter((action) => action === 'activationConfirmed')).toHaveLength(1);
    await expect(confirmActivationByToken(deps, { token })).rejects.toMatchObject({ reason: 'used' });
  });
});

describe('FIC event redelivery', () => {
  it('the same activation event 20 times (10 at once) makes one change and sends one email', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Venti Volte', email: 'venti@example.com', extend: [] });
    const event = activationEvent(vatNumber);

    const concurrent = await settle(Array.from({ length: 10 }, () => handleFicEvent(deps, event)));
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await handleFicEvent(deps, event));

    expect(concurrent.errors).toEqual([]);
    const outcomes = [...concurrent.values, ...sequential].map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19);
    expect(deps.mailer.sent).toHaveLength(1);
    expect((await storedCompany(created.companyId)).version).toBe(2);
    const actions = await timelineActions(created.companyId);
    expect(actions.filter((action) => action === 'ficActivationReceived')).toHaveLength(1);
    expect(actions.filter((action) => action === 'activationRequested')).toHaveLength(1);
    const marker = await dynamoDb.send(new GetCommand({ TableName: stack.tableName, Key: { pk: `FICEVENT#${event.eventId}`, sk: 'FICEVENT' } }));
    expect(marker.Item).toMatchObject({ effectsDone: true, outcome: 'applied' });
    expect(marker.Item).not.toHaveProperty('lease');
    // The one email works.
    await expect(confirmActivationByToken(deps, { token: tokenOf(deps.mailer.sent[0]) })).resolves.toBeDefined();
  });

  it('a crash between the commit and the email (the mailer throws once): the redelivery sends exactly one working email', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Posta Lenta', email: 'lenta@example.com', extend: ['sdi', 'eRicevi'] });
    const event = activationEvent(vatNumber);
    deps.mailer.failNext = 1;

    await expect(handleFicEvent(deps, event)).rejects.toThrow('SES is unavailable');
    expect(deps.mailer.sent).toHaveLength(0);
    // The state change is committed: the company awaits confirmation.
    expect((await storedCompany(created.companyId)).pendingActivation).toBeDefined();

    const redeliveries = await settle(Array.from({ length: 5 }, () => handleFicEvent(deps, event)));
    const later = await handleFicEvent(deps, event);

    expect(redeliveries.errors).toEqual([]);
    expect(deps.mailer.sent).toHaveLength(1);
    expect(later).toEqual({ outcome: 'duplicate' });
    expect((await timelineActions(created.companyId)).filter((action) => action === 'activationRequested')).toHaveLength(1);
    const confirmed = await confirmActivationByToken(deps, { token: tokenOf(deps.mailer.sent[0]) });
    expect(confirmed.changes.map((change) => change.after)).toEqual([{ kind: 'ficClient' }, { kind: 'ficClient' }]);
  });

  it('a crash that leaves the lease held: a redelivery after the lease expires sends the owed email', async () => {
    const { TestClock } = await import('./fixtures.ts');
    const clock = new TestClock();
    const deps = testDependencies({ clock });
    const vatNumber = uniqueVat();
    await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Lease', email: 'lease@example.com', extend: [] });
    const event = activationEvent(vatNumber);
    // A mailer that never returns stands for a process killed mid-send: the lease is never released.
    const hung = { ...deps, mailer: { sendActivationEmail: () => new Promise<never>(() => undefined) } };
    void handleFicEvent(hung, event);
    await expect.poll(async () => (await repository.ficEventMarker(event.eventId))?.lease !== undefined).toBe(true);

    const early = await handleFicEvent(deps, event);
    clock.advance(61);
    const late = await handleFicEvent(deps, event);

    expect(early).toEqual({ outcome: 'duplicate', detail: 'emailInProgress' });
    expect(late).toEqual({ outcome: 'duplicate', detail: 'owedEmailSent' });
    expect(deps.mailer.sent).toHaveLength(1);
    await expect(confirmActivationByToken(deps, { token: tokenOf(deps.mailer.sent[0]) })).resolves.toBeDefined();
  });

  it('an activation with a bad check digit is a permanent error and writes nothing', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const wrong = vatNumber.slice(0, 10) + String((Number(vatNumber[10]) + 1) % 10);

    await expect(handleFicEvent(deps, activationEvent(wrong))).rejects.toMatchObject({ name: 'PermanentEventError' });
    expect(await repository.companyByVat(wrong, { read: 'table' })).toBeUndefined();
  });
});
