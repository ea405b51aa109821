// What a Studio reads ("Connessioni", one company, its timeline) and the resend of the confirmation email.
import { describe, expect, it } from 'vitest';
import { CompanyNotFoundError, ResendTooSoonError } from '#shared/domain/errors';
import { ANOTHER_STUDIO } from '#shared/domain/visibility';
import { confirmActivationByToken, previewActivation } from '#shared/use-cases/activation-page';
import { connectToCompany } from '#shared/use-cases/connect-to-company';
import { createCompany } from '#shared/use-cases/create-company';
import { InvalidCursorError } from '#shared/use-cases/errors';
import { getCompanyForStudio } from '#shared/use-cases/get-company';
import { getTimelineForStudio } from '#shared/use-cases/get-timeline';
import { handleFicEvent } from '#shared/use-cases/handle-fic-event';
import { listConnections } from '#shared/use-cases/list-connections';
import type { ConnectionListItem } from '#shared/use-cases/list-connections';
import { resendActivationEmail } from '#shared/use-cases/resend-activation';
import { activationEvent, newStudio, TestClock, testDependencies, tokenOf, uniqueVat } from './fixtures.ts';

describe('listConnections ("Connessioni")', () => {
  it('pages through every connection once, by company name, with services only where the connection is active', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const names = ['Zeta', 'Àlfa', 'beta', 'Gamma', 'Delta', 'Epsilon'];
    for (const name of names) {
      await createCompany(deps, { studio, channel: 'portal', vatNumber: uniqueVat(), name, email: 'x@example.com', extend: ['sdi'] });
    }
    const fromFic = uniqueVat();
    await handleFicEvent(deps, activationEvent(fromFic, { name: 'Kappa' }));
    await connectToCompany(deps, { studio, channel: 'lynfa', vatNumber: fromFic });

    const pages: ConnectionListItem[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listConnections(deps, { studioId: studio.studioId, limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    const items = pages.flat();
    expect(pages[0]).toHaveLength(3);
    expect(items.map((item) => item.name)).toEqual(['Àlfa', 'beta', 'Delta', 'Epsilon', 'Gamma', 'Kappa', 'Zeta']);
    const full = items.find((item) => item.name === 'Zeta');
    expect(full).toMatchObject({
      access: 'full',
      connection: { status: 'active', requestedBy: 'portal' },
      services: { sdi: { status: 'active', payer: { kind: 'thisStudio' } }, eRicevi: { status: 'inactive' } },
      activationPending: false,
    });
    const pending = items.find((item) => item.name === 'Kappa');
    expect(pending).toEqual({
      access: 'redacted',
      companyId: expect.any(String),
      vatNumber: fromFic,
      name: 'Kappa',
      connection: { status: 'pending', since: expect.any(String), requestedBy: 'lynfa' },
    });
  });

  it('refuses a cursor it did not issue for this Studio', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const other = newStudio();
    for (let i = 0; i < 2; i++) {
      await createCompany(deps, { studio, channel: 'portal', vatNumber: uniqueVat(), name: `C${i}`, email: 'x@example.com', extend: [] });
    }
    const { nextCursor } = await listConnections(deps, { studioId: studio.studioId, limit: 1 });
    expect(nextCursor).toBeDefined();

    await expect(listConnections(deps, { studioId: other.studioId, limit: 1, cursor: nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(listConnections(deps, { studioId: studio.studioId, limit: 1, cursor: 'not a cursor!' })).rejects.toBeInstanceOf(InvalidCursorError);
    const forged = Buffer.from(JSON.stringify({ pk: 'VAT#1', sk: 'VAT' })).toString('base64url');
    await expect(listConnections(deps, { studioId: studio.studioId, limit: 1, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('getCompanyForStudio and getTimelineForStudio', () => {
  it('never reveal a company to a Studio that is not connected', async () => {
    const deps = testDependencies();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber: uniqueVat(), name: 'Privata', email: 'p@example.com', extend: [] });
    const stranger = newStudio();

    await expect(getCompanyForStudio(deps, { studioId: stranger.studioId, companyId: created.companyId })).rejects.toBeInstanceOf(CompanyNotFoundError);
    await expect(getCompanyForStudio(deps, { studioId: stranger.studioId, companyId: 'no-such-company' })).rejects.toBeInstanceOf(CompanyNotFoundError);
    await expect(getTimelineForStudio(deps, { studioId: stranger.studioId, companyId: created.companyId, limit: 5 })).rejects.toBeInstanceOf(CompanyNotFoundError);
  });

  it('pages the timeline oldest first and keeps other Studios anonymous', async () => {
    const deps = testDependencies();
    const creator = newStudio('Studio A');
    const joiner = newStudio('Studio B');
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: creator, channel: 'portal', vatNumber, name: 'Condivisa', email: 'c@example.com', extend: ['sdi', 'eRicevi'] });
    await connectToCompany(deps, { studio: joiner, channel: 'lynfa', vatNumber });
    const request = deps.connectionRequests.published[0]!;
    await handleFicEvent(deps, { kind: 'connectionConfirmed', eventId: `evt-${request.requestId}`, ficCompanyId: '1', requestId: request.requestId, at: new Date().toISOString() });

    const entries = [];
    let cursor: string | undefined;
    do {
      const page = await getTimelineForStudio(deps, { studioId: joiner.studioId, companyId: created.companyId, limit: 2, ...(cursor ? { cursor } : {}) });
      entries.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    expect(entries.map((entry) => entry.action)).toEqual([
      'companyCreated',
      'connectionActivated',
      'serviceExtended',
      'serviceExtended',
      'connectionRequested',
      'connectionActivated',
    ]);
    expect(entries[0]!.actor).toEqual({ kind: 'studio', studioId: ANOTHER_STUDIO, channel: 'portal' });
    expect(entries[4]!.actor).toEqual({ kind: 'studio', studioId: joiner.studioId, channel: 'lynfa' });
    expect(JSON.stringify(entries)).not.toContain(creator.studioId);
    const view = await getCompanyForStudio(deps, { studioId: joiner.studioId, companyId: created.companyId });
    if (view.access !== 'full') throw new Error('expected full view');
    expect(view.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'anotherStudio' } });
  });
});

describe('resendActivationEmail and the link', () => {
  it('is rate limited, revokes the previous link, and the new one confirms', async () => {
    const clock = new TestClock();
    const deps = testDependencies({ clock });
    const studio = newStudio('Studio Rossi');
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio, channel: 'portal', vatNumber, name: 'Reinvio', email: 'r@example.com', extend: [] });
    await handleFicEvent(deps, activationEvent(vatNumber));
    const first = tokenOf(deps.mailer.sent[0]);

    clock.advance(10);
    const tooSoon = resendActivationEmail(deps, { studio, channel: 'portal', companyId: created.companyId });
    await expect(tooSoon).rejects.toBeInstanceOf(ResendTooSoonError);
    await expect(tooSoon).rejects.toMatchObject({ retryAfterSeconds: 50 });

    clock.advance(60);
    const resent = await resendActivationEmail(deps, { studio, channel: 'lynfa', companyId: created.companyId });
    expect(resent).toEqual({ requestedAt: clock.now(), expiresAt: deps.mailer.sent[1]!.expiresAt });
    expect(deps.mailer.sent).toHaveLength(2);
    const second = tokenOf(deps.mailer.sent[1]);
    expect(second).not.toBe(first);
    expect(deps.mailer.sent[1]).toMatchObject({ to: 'r@example.com', studioNames: ['Studio Rossi'] });

    await expect(previewActivation(deps, { token: first })).rejects.toMatchObject({ name: 'ActivationLinkError', reason: 'revoked' });
    await expect(confirmActivationByToken(deps, { token: first })).rejects.toMatchObject({ reason: 'revoked' });
    await expect(confirmActivationByToken(deps, { token: second })).resolves.toMatchObject({ companyName: 'Reinvio' });
    await expect(previewActivation(deps, { token: second })).rejects.toMatchObject({ reason: 'used' });
  });

  it('tells unknown and expired links apart, and the preview changes nothing', async () => {
    const clock = new TestClock();
    const deps = testDependencies({ clock });
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Scaduta', email: 's@example.com', extend: [] });
    await handleFicEvent(deps, activationEvent(vatNumber));
    const token = tokenOf(deps.mailer.sent[0]);
    const before = await deps.repository.companyWithConnections(created.companyId);

    await previewActivation(deps, { token });
    await previewActivation(deps, { token });

    expect(await deps.repository.companyWithConnections(created.companyId)).toEqual(before);
    await expect(previewActivation(deps, { token: 'A'.repeat(43) })).rejects.toMatchObject({ reason: 'unknown' });
    await expect(previewActivation(deps, { token: '../etc/passwd' })).rejects.toMatchObject({ reason: 'unknown' });
    clock.advance(7 * 24 * 3600 + 1);
    await expect(previewActivation(deps, { token })).rejects.toMatchObject({ reason: 'expired' });
    await expect(confirmActivationByToken(deps, { token })).rejects.toMatchObject({ reason: 'expired' });
  });
});
