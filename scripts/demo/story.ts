/**
 * The three cases of the source document (see shared/domain/DOMAIN.md), played in order against a running local
 * stack. Every step prints one line: who did what, what the system answered, the state of both
 * services and who pays. Every step also checks what DOMAIN.md says must hold, and stops the demo
 * with a `DemoFailure` when it does not.
 */
import { randomInt } from 'node:crypto';
import { vatNumberWithCheckDigit } from '#shared/domain/identifiers';
import { FicSimulatorClient, type Delivery } from '../../infra/local/fic-simulator.ts';
import {
  browser,
  confirmationLinkIn,
  DemoFailure,
  headingOf,
  Mailbox,
  Studio,
  waitFor,
  type ApiAnswer,
  type DemoEndpoints,
  type StudioTokenSettings,
} from './actors.ts';

type PayerKind = 'ficClient' | 'thisStudio' | 'anotherStudio';
type ServiceState = { status: 'inactive' } | { status: 'active'; payer: { kind: PayerKind }; history?: BillingPeriod[] };
interface BillingPeriod {
  payer: { kind: PayerKind };
  from: string;
  to?: string;
}
interface CompanyView {
  access: 'full' | 'redacted';
  companyId: string;
  vatNumber: string;
  name: string;
  connection: { status: 'active' | 'pending' | 'rejected'; requestedBy: string };
  services?: { sdi: ServiceState & { history: BillingPeriod[] }; eRicevi: ServiceState & { history: BillingPeriod[] } };
  activationPending?: { requestedAt: string; expiresAt: string };
}

/** What a step expects of a service: off, or on and paid by the FIC client or by the Studio that reads. */
type Expected = 'off' | 'ficClient' | 'thisStudio';

export interface SummaryRow {
  caseNumber: number;
  company: string;
  vatNumber: string;
  studio: string;
  connection: string;
  sdi: string;
  eRicevi: string;
  billing: string;
}

const services = ['sdi', 'eRicevi'] as const;

export class Story {
  readonly run = Date.now().toString(36).slice(-5) + randomInt(100, 999).toString();
  readonly rossi: Studio;
  readonly bianchi: Studio;
  readonly fic: FicSimulatorClient;
  readonly summary: SummaryRow[] = [];
  private step = 0;

  constructor(
    private readonly endpoints: DemoEndpoints,
    tokens: StudioTokenSettings,
    private readonly print: (line: string) => void = console.log,
  ) {
    this.rossi = new Studio(`studio-rossi-${this.run}`, 'Studio Rossi', endpoints.apiUrl, tokens);
    this.bianchi = new Studio(`studio-bianchi-${this.run}`, 'Studio Bianchi & Associati', endpoints.apiUrl, tokens);
    this.fic = new FicSimulatorClient(endpoints.ficSimulatorUrl);
  }

  async playAll(): Promise<void> {
    await this.caseOne();
    await this.caseTwo();
    await this.caseThree();
  }

  // ---- Case 1: the Studio creates the company, no extension ------------------------------------

  async caseOne(): Promise<void> {
    this.heading(1, 'The Studio creates the company, no extension');
    const name = "Caffè dell'Angolo S.r.l.";
    const vatNumber = uniqueVatNumber();
    const mailbox = new Mailbox(`titolare+${this.run}@caffe-angolo.example`, this.endpoints.sesUrl);

    const created = await this.rossi.call<CompanyView>('portal', 'POST', '/v1/companies', { vatNumber, name, email: mailbox.address, extend: [] });
    this.expectStatus(created, 201, 'creating the company');
    this.expectView(created.body, { connection: 'active', sdi: 'off', eRicevi: 'off' });
    this.line(`Studio Rossi (portal) creates ${name}, P.IVA ${vatNumber}, no extension`, created, created.body, this.rossi);

    await this.activateInFic(name, vatNumber);
    const email = await this.expectEmail(mailbox);
    const pending = await this.read(this.rossi, 'portal', created.body.companyId);
    this.expectView(pending, { connection: 'active', sdi: 'off', eRicevi: 'off', activationPending: true });
    this.line(`Agyo → the company: email "${email.subject ?? ''}" to ${mailbox.address}`, undefined, pending, this.rossi);

    await this.confirmByEmail(email.link, this.rossi, created.body.companyId, { sdi: 'off', eRicevi: 'off' });

    const listed = await this.rossi.call<{ items: { companyId: string; connection: { status: string }; services: Record<string, { status: string; payer?: { kind: string } }> }[] }>(
      'lynfa', 'GET', '/v1/connections?limit=100',
    );
    this.expectStatus(listed, 200, 'listing the connections');
    const row = listed.body.items.find((item) => item.companyId === created.body.companyId);
    if (!row) throw new DemoFailure('the company is missing from Studio Rossi\'s connections (STARTUPAGYO)');
    for (const service of services) {
      if (row.services[service]?.status !== 'active' || row.services[service]?.payer?.kind !== 'ficClient') {
        throw new DemoFailure(`STARTUPAGYO shows ${service} as ${JSON.stringify(row.services[service])}, expected active, paid by the FIC client`);
      }
    }
    const final = await this.read(this.rossi, 'portal', created.body.companyId);
    this.expectView(final, { connection: 'active', sdi: 'ficClient', eRicevi: 'ficClient' });
    this.line('Studio Rossi (Lynfa, STARTUPAGYO) lists its connections; the portal shows the same', listed, final, this.rossi);
    this.summarize(1, final, this.rossi);
  }

  // ---- Case 2: the Studio creates the company and extends sdi and eRicevi ----------------------

  async caseTwo(): Promise<void> {
    this.heading(2, 'The Studio creates the company and extends its sdi and eRicevi');
    const name = "Ferramenta L'Àncora di Núñez & C. S.n.c.";
    const vatNumber = uniqueVatNumber();
    const mailbox = new Mailbox(`amministrazione+${this.run}@ferramenta-ancora.example`, this.endpoints.sesUrl);

    const created = await this.rossi.call<CompanyView>('lynfa', 'POST', '/v1/companies', { vatNumber, name, email: mailbox.address, extend: ['sdi', 'eRicevi'] });
    this.expectStatus(created, 201, 'creating the company with both services extended');
    this.expectView(created.body, { connection: 'active', sdi: 'thisStudio', eRicevi: 'thisStudio' });
    this.line(`Studio Rossi (Lynfa, STARTUPAGYO) creates ${name}, P.IVA ${vatNumber}, extending sdi and eRicevi`, created, created.body, this.rossi);

    await this.activateInFic(name, vatNumber);
    const email = await this.expectEmail(mailbox);
    const pending = await this.read(this.rossi, 'portal', created.body.companyId);
    this.expectView(pending, { connection: 'active', sdi: 'thisStudio', eRicevi: 'thisStudio', activationPending: true });
    this.line(`Agyo → the company: email "${email.subject ?? ''}" to ${mailbox.address}`, undefined, pending, this.rossi);

    const confirmed = await this.confirmByEmail(email.link, this.rossi, created.body.companyId, { sdi: 'thisStudio', eRicevi: 'thisStudio' });
    // The Studio's billing ends at the instant the FIC client's begins, and the history keeps both.
    for (const service of services) {
      const history = confirmed.services![service].history;
      const studioPeriod = history.find((period) => period.payer.kind === 'thisStudio');
      const ficPeriod = history.find((period) => period.payer.kind === 'ficClient');
      if (!studioPeriod?.to || !ficPeriod || ficPeriod.to || studioPeriod.to !== ficPeriod.from) {
        throw new DemoFailure(`${service}'s billing history should end Studio Rossi's period when the FIC client's starts: ${JSON.stringify(history)}`);
      }
    }
    this.print(`        billing history kept: Studio Rossi paid both from ${clock(confirmed.services!.sdi.history[0]!.from)} to ${clock(confirmed.services!.sdi.history[0]!.to!)}, the FIC client since then`);
    this.summarize(2, confirmed, this.rossi);
  }

  // ---- Case 3: the company is not on Agyo yet -------------------------------------------------

  async caseThree(): Promise<void> {
    this.heading(3, 'The company activates e-invoicing in FIC before it is on Agyo');
    const name = 'Pasticceria Dolce Vita di D\'Amico S.a.s.';
    const vatNumber = uniqueVatNumber();

    await this.activateInFic(name, vatNumber);

    // The company exists once FIC's event has been processed (asynchronously, from the queue):
    // until then connecting answers 404, which changes nothing, so asking again is safe.
    const connected = await waitFor('the company created from the FIC event', async () => {
      const answer = await this.bianchi.call<{ view: CompanyView; alreadyConnected: boolean }>('lynfa', 'POST', '/v1/connections', { vatNumber });
      return answer.status === 404 ? undefined : answer;
    });
    this.expectStatus(connected, 202, 'connecting to the company');
    if (connected.body.view.connection.status !== 'pending' || connected.body.view.access !== 'redacted') {
      throw new DemoFailure(`the new connection should be pending and redacted, got ${JSON.stringify(connected.body.view)}`);
    }
    this.line(
      `Studio Bianchi (Lynfa, STARTUPAGYO) connects to P.IVA ${vatNumber}`,
      connected,
      connected.body.view,
      this.bianchi,
      'the Studio sees name and P.IVA only; both services stay with the FIC client',
    );

    const refused = await this.rossi.call<{ type: string; connectInstead?: unknown }>('portal', 'POST', '/v1/companies', {
      vatNumber, name, email: `altro+${this.run}@example.com`, extend: [],
    });
    this.expectStatus(refused, 409, 'creating a company that already exists');
    if (!refused.body.type.endsWith('/company-exists') || !refused.body.connectInstead) {
      throw new DemoFailure(`the conflict should say how to connect instead: ${JSON.stringify(refused.body)}`);
    }
    this.print(`  ✓ Studio Rossi (portal) tries to create the same P.IVA → 409 Conflict: "${(refused.body as { title?: string }).title}", connect instead (POST /v1/connections)`);

    const companyId = connected.body.view.companyId;
    const extendWhilePending = await this.bianchi.call<{ type: string }>('portal', 'POST', `/v1/companies/${companyId}/extensions`, { services: ['sdi'] });
    this.expectStatus(extendWhilePending, 403, 'extending services before the company confirmed the connection');
    this.print(`  ✓ Studio Bianchi (portal) tries to extend its sdi before the company confirms → 403 Forbidden (connection-pending): nothing changes`);

    const request = await waitFor('the connection request to reach FIC', async () =>
      (await this.fic.requests()).find((candidate) => candidate.vatNumber === vatNumber && candidate.studio.id === this.bianchi.id),
    );
    if (request.status !== 'pending') throw new DemoFailure(`FIC's connection request should be pending, got ${request.status}`);
    this.print(`  ✓ Agyo → FIC: connection request ${request.requestId} from "${request.studio.name}" to FIC company ${request.ficCompanyId} → FIC shows it to the company (pending)`);

    const decision = await this.fic.confirm(request.requestId);
    this.expectDelivered(decision.delivery, 'the connection confirmation');
    const active = await waitFor('the connection to become active', async () => {
      const view = await this.read(this.bianchi, 'portal', companyId);
      return view.connection.status === 'active' ? view : undefined;
    });
    this.expectView(active, { connection: 'active', sdi: 'ficClient', eRicevi: 'ficClient' });
    for (const service of services) {
      if (active.services![service].history.some((period) => period.payer.kind !== 'ficClient')) {
        throw new DemoFailure(`${service} should have been billed to the FIC client only: ${JSON.stringify(active.services![service].history)}`);
      }
    }
    this.line(
      `The company confirms the connection inside FIC (signed webhook answered ${decision.delivery.status}); Studio Bianchi (portal) reads the company`,
      undefined,
      active,
      this.bianchi,
    );
    this.summarize(3, active, this.bianchi);
  }

  // ---- Steps shared by the cases ---------------------------------------------------------------

  private async activateInFic(name: string, vatNumber: string): Promise<void> {
    const result = await this.fic.activate({ vatNumber, name });
    this.expectDelivered(result.delivery, 'the e-invoicing activation');
    this.print(`  ✓ FIC: ${name} switches on e-invoicing (FIC company ${result.ficCompanyId}) → signed webhook answered ${result.delivery.status}, event ${result.delivery.eventId} queued`);
  }

  private async expectEmail(mailbox: Mailbox): Promise<{ link: string; subject?: string }> {
    const email = await waitFor(`the confirmation email to ${mailbox.address}`, async () => (await mailbox.messages())[0]);
    const link = confirmationLinkIn(email);
    if (!link) throw new DemoFailure(`the email to ${mailbox.address} holds no confirmation link`);
    return { link, ...(email.subject ? { subject: email.subject } : {}) };
  }

  /** The company opens the link (GET: nothing changes), then presses the button (POST: confirmed). */
  private async confirmByEmail(link: string, studio: Studio, companyId: string, before: { sdi: Expected; eRicevi: Expected }): Promise<CompanyView> {
    const page = await browser.open(link);
    if (page.status !== 200) throw new DemoFailure(`the confirmation page answered ${page.status}, expected 200`);
    const afterGet = await this.read(studio, 'portal', companyId);
    this.expectView(afterGet, { connection: 'active', ...before, activationPending: true });
    this.line(`The company opens the link in the email (GET) → 200 "${headingOf(page.html)}"`, undefined, afterGet, studio, 'nothing changes on GET');

    const pressed = await browser.pressButton(link, page);
    if (pressed.status !== 200) throw new DemoFailure(`pressing the button answered ${pressed.status}, expected 200`);
    const after = await this.read(studio, 'portal', companyId);
    this.expectView(after, { connection: 'active', sdi: 'ficClient', eRicevi: 'ficClient' });
    this.line(`The company presses "Confermo l'attivazione" (POST, anti-forgery cookie + field) → 200 "${headingOf(pressed.html)}"`, undefined, after, studio);

    const again = await browser.open(link);
    if (again.status !== 410) throw new DemoFailure(`the used link answered ${again.status}, expected 410 (single use)`);
    return after;
  }

  private async read(studio: Studio, channel: 'portal' | 'lynfa', companyId: string): Promise<CompanyView> {
    const answer = await studio.call<CompanyView>(channel, 'GET', `/v1/companies/${companyId}`);
    this.expectStatus(answer, 200, `${studio.name} reading the company`);
    return answer.body;
  }

  // ---- Checks ----------------------------------------------------------------------------------

  private expectStatus(answer: ApiAnswer, status: number, what: string): void {
    if (answer.status !== status) throw new DemoFailure(`${what}: expected HTTP ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  private expectDelivered(delivery: Delivery, what: string): void {
    if (delivery.status < 200 || delivery.status >= 300) {
      throw new DemoFailure(`the webhook refused ${what}: HTTP ${delivery.status} after ${delivery.attempts} attempt(s): ${delivery.responseBody}`);
    }
  }

  private expectView(view: CompanyView, expected: { connection: string; sdi: Expected; eRicevi: Expected; activationPending?: boolean }): void {
    const problems: string[] = [];
    if (view.access !== 'full' || !view.services) throw new DemoFailure(`expected the full view of ${view.name}, got ${JSON.stringify(view)}`);
    if (view.connection.status !== expected.connection) problems.push(`connection ${view.connection.status} (expected ${expected.connection})`);
    for (const service of services) {
      const actual = stateOf(view.services[service]);
      if (actual !== expected[service]) problems.push(`${service} ${actual} (expected ${expected[service]})`);
    }
    if (Boolean(view.activationPending) !== Boolean(expected.activationPending)) {
      problems.push(expected.activationPending ? 'no confirmation pending (expected one)' : 'a confirmation still pending');
    }
    if (problems.length > 0) throw new DemoFailure(`${view.name}: ${problems.join(', ')}`);
  }

  // ---- Narration -------------------------------------------------------------------------------

  private heading(caseNumber: number, title: string): void {
    this.step = 0;
    this.print(`\nCase ${caseNumber}: ${title}`);
  }

  private line(action: string, answer: ApiAnswer | undefined, view: CompanyView, reader: Studio, note?: string): void {
    this.step += 1;
    const parts = [answer ? `${action} → ${answer.status} ${reasons[answer.status] ?? ''}`.trimEnd() : action];
    if (view.access === 'full' && view.services) {
      parts.push(`connection ${view.connection.status}`);
      parts.push(services.map((service) => describeService(service, view.services![service], reader)).join(' · '));
      if (view.activationPending) parts.push('confirmation pending');
    } else {
      parts.push(`connection ${view.connection.status}`);
    }
    if (note) parts.push(note);
    this.print(`  ✓ ${parts.join(' | ')}`);
  }

  private summarize(caseNumber: number, view: CompanyView, studio: Studio): void {
    const billing = view.services!.sdi.history.map((period) => `${payerName(period.payer.kind, studio)} ${clock(period.from)}–${period.to ? clock(period.to) : 'now'}`).join(', ');
    this.summary.push({
      caseNumber,
      company: view.name,
      vatNumber: view.vatNumber,
      studio: studio.name,
      connection: `${view.connection.status} (via ${view.connection.requestedBy})`,
      sdi: describeService('sdi', view.services!.sdi, studio).replace(/^sdi /, ''),
      eRicevi: describeService('eRicevi', view.services!.eRicevi, studio).replace(/^eRicevi /, ''),
      billing,
    });
  }
}

const reasons: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };

function stateOf(state: ServiceState): Expected | 'anotherStudio' {
  return state.status === 'inactive' ? 'off' : state.payer.kind;
}

function payerName(kind: PayerKind, reader: Studio): string {
  if (kind === 'ficClient') return 'FIC client';
  return kind === 'thisStudio' ? reader.name : 'another Studio';
}

function describeService(service: string, state: ServiceState, reader: Studio): string {
  return state.status === 'inactive' ? `${service} off` : `${service} on, paid by ${payerName(state.payer.kind, reader)}`;
}

/** HH:MM:SS of an ISO instant, for the narration. */
function clock(instant: string): string {
  return instant.slice(11, 19);
}

/** A fresh, valid Partita IVA per run, so the demo can run again on `npm start`'s persistent data. */
export function uniqueVatNumber(): string {
  const office = String(randomInt(1, 101)).padStart(3, '0');
  return vatNumberWithCheckDigit(`${String(randomInt(1_000_000, 10_000_000))}${office}`);
}

export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ['case', 'company', 'P.IVA', 'Studio', 'connection', 'sdi', 'eRicevi', 'sdi billed to (UTC)'];
  const body = rows.map((row) => [String(row.caseNumber), row.company, row.vatNumber, row.studio, row.connection, row.sdi, row.eRicevi, row.billing]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ').trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...body.map(format)].join('\n');
}
