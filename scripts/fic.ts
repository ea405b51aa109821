/**
 * Plays the company inside Fatture in Cloud against the running `npm start`, through the FIC
 * simulator's control API (FIC_SIMULATOR_URL, default http://127.0.0.1:${FIC_SIMULATOR_PORT:-3100}).
 *
 *   npm run fic -- activate --vat 01234560017 --name "Caffè dell'Angolo" [--fic-id 123] [--tax-code ...] [--structured]
 *   npm run fic -- requests
 *   npm run fic -- confirm --request <id>
 *   npm run fic -- reject --request <id>
 *   npm run fic -- verify          (FIC's subscription check: GET with a challenge)
 *   npm run fic -- deliveries      (what the simulator sent and what the webhook answered)
 *   npm run fic -- new-vat         (prints a fresh valid Partita IVA; needs nothing running)
 */
import { parseArgs } from 'node:util';
import { FicSimulatorClient, FicSimulatorError, type Delivery } from '../infra/local/fic-simulator.ts';
import { randomVatNumber as newVatNumber } from '../infra/local/synthetic-ids.ts';

const usage = `Usage:
  npm run fic -- activate --vat <Partita IVA> --name <company name> [--fic-id <n>] [--tax-code <cf>] [--structured]
  npm run fic -- requests
  npm run fic -- confirm --request <request id>
  npm run fic -- reject --request <request id>
  npm run fic -- verify
  npm run fic -- deliveries
  npm run fic -- new-vat
  npm run fic -- --help

Commands:
  activate    the company activates e-invoicing in FIC (the webhook receives the event)
  requests    connection requests received from Studios (each line starts with the request id)
  confirm     the company confirms a connection request
  reject      the company rejects a connection request
  verify      FIC's subscription check of the webhook (GET with a challenge)
  deliveries  what the simulator sent and what the webhook answered
  new-vat     prints a fresh valid Partita IVA, e.g. VAT=$(npm run -s fic -- new-vat)

All commands but new-vat talk to the FIC simulator of a running \`npm start\`
(FIC_SIMULATOR_URL, default http://127.0.0.1:\${FIC_SIMULATOR_PORT:-3100}).`;

/** A wrong command line: one line saying what is wrong, then the usage, on stderr; exit code 2. */
function usageError(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        vat: { type: 'string' },
        name: { type: 'string' },
        'fic-id': { type: 'string' },
        'tax-code': { type: 'string' },
        structured: { type: 'boolean', default: false },
        request: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    return usageError((error as Error).message.split('\n')[0]!);
  }
}

const { positionals, values } = parseCommandLine();
if (values.help || positionals[0] === 'help') {
  console.log(usage);
  process.exit(0);
}


const url = process.env.FIC_SIMULATOR_URL ?? `http://127.0.0.1:${process.env.FIC_SIMULATOR_PORT ?? '3100'}`;
const client = new FicSimulatorClient(url);

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function report(delivery: Delivery): void {
  const verdict = delivery.status >= 200 && delivery.status < 300 ? 'accepted' : 'NOT accepted';
  console.log(`Sent ${delivery.type} (${delivery.mode} mode), event ${delivery.eventId}: webhook answered ${delivery.status || 'nothing'} after ${delivery.attempts} attempt(s), ${verdict}.`);
  if (verdict !== 'accepted') console.log(delivery.responseBody);
}

async function main(): Promise<void> {
  const [command] = positionals;
  switch (command) {
    case 'activate': {
      if (!values.vat || !values.name) usageError('activate needs --vat and --name (a valid Partita IVA: npm run -s fic -- new-vat).');
      const ficCompanyId = values['fic-id'] === undefined ? undefined : Number(values['fic-id']);
      if (ficCompanyId !== undefined && !(Number.isInteger(ficCompanyId) && ficCompanyId > 0)) usageError('--fic-id must be a positive integer.');
      const result = await client.activate({
        vatNumber: values.vat,
        name: values.name,
        ...(values['tax-code'] ? { taxCode: values['tax-code'] } : {}),
        ...(ficCompanyId ? { ficCompanyId } : {}),
        mode: values.structured ? 'structured' : 'binary',
      });
      console.log(`FIC company ${result.ficCompanyId} (${values.name}, P.IVA ${values.vat}) activated e-invoicing.`);
      return report(result.delivery);
    }
    case 'requests': {
      const requests = await client.requests();
      if (requests.length === 0) return console.log('No connection requests received yet.');
      for (const request of requests) {
        console.log(`${request.requestId}  ${request.status.padEnd(9)}  FIC company ${request.ficCompanyId} (P.IVA ${request.vatNumber})  from Studio "${request.studio.name}"  received ${request.receivedAt}`);
      }
      return;
    }
    case 'confirm':
    case 'reject': {
      if (!values.request) usageError(`${command} needs --request <request id> (see npm run fic -- requests).`);
      const result = command === 'confirm' ? await client.confirm(values.request) : await client.reject(values.request);
      console.log(`Request ${result.request.requestId} ${result.request.status} by FIC company ${result.request.ficCompanyId}.`);
      return report(result.delivery);
    }
    case 'verify': {
      const result = await client.verifySubscription();
      return console.log(result.verified ? 'Subscription verified: the webhook echoed the challenge.' : `Verification failed: HTTP ${result.status}.`);
    }
    case 'deliveries': {
      for (const delivery of await client.deliveries()) console.log(`${delivery.at}  ${delivery.status}  ${delivery.type}  ${delivery.eventId}`);
      return;
    }
    case 'new-vat':
      return console.log(newVatNumber());
    case undefined:
      return usageError('Missing command.');
    default:
      usageError(`Unknown command '${command}'.`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof FicSimulatorError) fail(error.message);
  if (error instanceof TypeError && /fetch failed/.test(error.message)) fail(`The FIC simulator does not answer at ${url}: is \`npm start\` running?`);
  console.error(error);
  process.exit(1);
});
