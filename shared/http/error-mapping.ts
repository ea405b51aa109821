/**
 * The one table from error classes to HTTP problems. A Studio never learns that a company it is
 * not connected to exists: those cases answer 404, exactly like an unknown id.
 */
import * as domain from '#shared/domain/errors';
import { ConcurrentModificationError, InvalidCursorError } from '#shared/use-cases/errors';
import { HttpProblem, internalError } from './problem.ts';

type Mapper = (error: never) => HttpProblem;

const notFound = () => new HttpProblem(404, 'not-found', 'Not found', 'No such company among those this Studio is connected to.');

const mappings: [abstract new (...args: never[]) => Error, Mapper][] = [
  [HttpProblem, (error: HttpProblem) => error],
  [domain.InvalidVatNumberError, (error: domain.InvalidVatNumberError) =>
    new HttpProblem(422, 'validation-failed', 'Invalid input', error.message, { errors: [{ pointer: '/vatNumber', detail: error.message }] })],
  [domain.InvalidTaxCodeError, (error: domain.InvalidTaxCodeError) =>
    new HttpProblem(422, 'validation-failed', 'Invalid input', error.message, { errors: [{ pointer: '/taxCode', detail: error.message }] })],
  [domain.CompanyAlreadyExistsError, (error: domain.CompanyAlreadyExistsError) =>
    new HttpProblem(409, 'company-exists', 'Company already on Agyo', error.message, {
      vatNumber: error.vatNumber,
      connectInstead: { method: 'POST', path: '/v1/connections', body: { vatNumber: error.vatNumber } },
    })],
  [domain.CompanyNotFoundError, notFound],
  [domain.NotConnectedError, (error: domain.NotConnectedError) =>
    error.connectionStatus === 'pending'
      ? new HttpProblem(403, 'connection-pending', 'Connection not confirmed yet', 'The company has not confirmed the connection yet: this is possible once it does, in Fatture in Cloud.')
      : notFound()],
  [domain.ServiceAlreadyBilledToFicClientError, (error: domain.ServiceAlreadyBilledToFicClientError) =>
    new HttpProblem(409, 'service-with-fic-client', 'Service already billed to the FIC client', error.message, { service: error.service })],
  [domain.ServiceBilledToAnotherStudioError, (error: domain.ServiceBilledToAnotherStudioError) =>
    new HttpProblem(409, 'service-extended-by-another-studio', 'Service extended by another Studio', error.message, { service: error.service })],
  [domain.ActivationNotPendingError, (error: domain.ActivationNotPendingError) =>
    new HttpProblem(409, 'activation-not-pending', 'No activation awaiting confirmation', error.message)],
  [domain.ResendTooSoonError, (error: domain.ResendTooSoonError) =>
    new HttpProblem(429, 'resend-too-soon', 'Email just sent', error.message, { retryAfterSeconds: error.retryAfterSeconds }, { 'retry-after': String(error.retryAfterSeconds) })],
  [domain.MissingCompanyEmailError, (error: domain.MissingCompanyEmailError) =>
    new HttpProblem(409, 'company-without-email', 'No email on Agyo', error.message)],
  [InvalidCursorError, (error: InvalidCursorError) =>
    new HttpProblem(400, 'malformed-request', 'Malformed request', error.message, { errors: [{ pointer: 'query:cursor', detail: error.message }] })],
  [ConcurrentModificationError, () =>
    new HttpProblem(409, 'concurrent-modification', 'Changed meanwhile', 'The company changed while this request was applied: read it again and retry.')],
];

export function problemForError(error: unknown): HttpProblem {
  for (const [errorClass, toProblem] of mappings) {
    if (error instanceof errorClass) return toProblem(error as never);
  }
  return internalError();
}

