// Every error a rule can raise, one class per kind: callers (HTTP API, event consumers) map them
// by class to a status code or a dead-letter decision, never by parsing messages.
import type { ServiceKind } from './services.ts';

/** Common parent so the HTTP layer can tell "the request broke a rule" from "something failed". */
export abstract class DomainError extends Error {
  abstract override readonly name: string;
}

export type VatNumberProblem = 'format' | 'checkDigit' | 'officeCode';

export class InvalidVatNumberError extends DomainError {
  override readonly name = 'InvalidVatNumberError';
  constructor(
    readonly value: string,
    readonly reason: VatNumberProblem,
    detail: string,
  ) {
    super(`Invalid Partita IVA "${value}": ${detail}`);
  }
}

export type TaxCodeProblem = 'format' | 'checkDigit' | 'checkLetter';

export class InvalidTaxCodeError extends DomainError {
  override readonly name = 'InvalidTaxCodeError';
  constructor(
    readonly value: string,
    readonly reason: TaxCodeProblem,
    detail: string,
  ) {
    super(`Invalid Codice Fiscale "${value}": ${detail}`);
  }
}

export class CompanyAlreadyExistsError extends DomainError {
  override readonly name = 'CompanyAlreadyExistsError';
  constructor(
    readonly vatNumber: string,
    readonly companyId: string,
  ) {
    super(
      `A company with Partita IVA ${vatNumber} already exists on Agyo: connect to it instead ` +
        `(Connessioni or STARTUPAGYO); the company will be asked to confirm the connection.`,
    );
  }
}

export class CompanyNotFoundError extends DomainError {
  override readonly name = 'CompanyNotFoundError';
  constructor(readonly reference: string) {
    super(`No company found for ${reference}.`);
  }
}

export class MissingCompanyEmailError extends DomainError {
  override readonly name = 'MissingCompanyEmailError';
  constructor(readonly companyId: string) {
    super(`Company ${companyId} has no email address on Agyo to send the activation confirmation to.`);
  }
}

export class NotConnectedError extends DomainError {
  override readonly name = 'NotConnectedError';
  constructor(
    readonly studioId: string,
    readonly companyId: string,
    readonly connectionStatus: 'none' | 'pending' | 'rejected',
  ) {
    super(
      connectionStatus === 'none'
        ? `Studio ${studioId} is not connected to company ${companyId}.`
        : `Studio ${studioId}'s connection to company ${companyId} is ${connectionStatus}, not active.`,
    );
  }
}

export class ServiceAlreadyBilledToFicClientError extends DomainError {
  override readonly name = 'ServiceAlreadyBilledToFicClientError';
  constructor(
    readonly companyId: string,
    readonly service: ServiceKind,
  ) {
    super(`Service ${service} of company ${companyId} is already billed to the FIC client: it cannot be extended.`);
  }
}

export class ServiceBilledToAnotherStudioError extends DomainError {
  override readonly name = 'ServiceBilledToAnotherStudioError';
  // The other Studio's id is deliberately left out: a Studio must not learn who else serves the company.
  constructor(
    readonly companyId: string,
    readonly service: ServiceKind,
  ) {
    super(`Service ${service} of company ${companyId} is already extended by another Studio.`);
  }
}

export class ActivationNotPendingError extends DomainError {
  override readonly name = 'ActivationNotPendingError';
  constructor(readonly companyId: string) {
    super(`Company ${companyId} has no activation waiting for confirmation.`);
  }
}

export class ActivationExpiredError extends DomainError {
  override readonly name = 'ActivationExpiredError';
  constructor(
    readonly companyId: string,
    readonly expiresAt: string,
  ) {
    super(`The activation confirmation for company ${companyId} expired at ${expiresAt}: ask for a new email.`);
  }
}

export class ActivationTokenMismatchError extends DomainError {
  override readonly name = 'ActivationTokenMismatchError';
  constructor(readonly companyId: string) {
    super(`The confirmation link does not match the activation pending for company ${companyId}.`);
  }
}

export class ResendTooSoonError extends DomainError {
  override readonly name = 'ResendTooSoonError';
  constructor(
    readonly companyId: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`The confirmation email for company ${companyId} was just sent: retry in ${retryAfterSeconds} s.`);
  }
}

export class UnknownConnectionRequestError extends DomainError {
  override readonly name = 'UnknownConnectionRequestError';
  constructor(readonly requestId: string) {
    super(`No connection request with id ${requestId}.`);
  }
}

export class ConnectionAlreadyRejectedError extends DomainError {
  override readonly name = 'ConnectionAlreadyRejectedError';
  constructor(readonly requestId: string) {
    super(`Connection request ${requestId} was already rejected by the company: it cannot be confirmed.`);
  }
}

export class ConnectionAlreadyActiveError extends DomainError {
  override readonly name = 'ConnectionAlreadyActiveError';
  constructor(readonly requestId: string) {
    super(`Connection request ${requestId} was already confirmed by the company: it cannot be rejected.`);
  }
}
