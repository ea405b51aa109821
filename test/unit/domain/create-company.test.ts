import { describe, expect, it } from 'vitest';
import { createCompanyByStudio } from '#shared/domain/create-company';
import type { CreateCompanyByStudio } from '#shared/domain/create-company';
import { CompanyAlreadyExistsError, InvalidTaxCodeError, InvalidVatNumberError } from '#shared/domain/errors';
import { createdByFic, STUDIO, T0, VAT } from './fixtures.ts';

const command: CreateCompanyByStudio = {
  companyId: 'company-1',
  studioId: STUDIO,
  channel: 'lynfa',
  vatNumber: ` ${VAT} `,
  taxCode: 'rssmra85t10a562s',
  name: "  Pasticceria L'Aquila di Sant'Antonio ",
  email: ' info@pasticceria.example ',
  extend: [],
};

describe('createCompanyByStudio (cases 1 and 2)', () => {
  it('case 1: no extension — connection active at once, no service active', () => {
    // Act
    const { company, connection, timeline, effects } = createCompanyByStudio(undefined, command, T0);
    // Assess
    expect(company).toMatchObject({
      companyId: 'company-1',
      vatNumber: VAT,
      taxCode: 'RSSMRA85T10A562S',
      name: "Pasticceria L'Aquila di Sant'Antonio",
      email: 'info@pasticceria.example',
      createdBy: { kind: 'studio', studioId: STUDIO, channel: 'lynfa' },
      createdAt: T0,
      version: 1,
      einvoicing: { status: 'notActivated' },
    });
    expect(company.services.sdi).toEqual({ status: 'inactive', history: [] });
    expect(company.services.eRicevi).toEqual({ status: 'inactive', history: [] });
    expect(company.pendingActivation).toBeUndefined();
    expect(connection).toEqual({ studioId: STUDIO, companyId: 'company-1', status: 'active', since: T0, requestedBy: 'lynfa' });
    expect(timeline.map((e) => e.action)).toEqual(['companyCreated', 'connectionActivated']);
    expect(timeline.every((e) => e.at === T0 && e.actor.kind === 'studio')).toBe(true);
    expect(effects).toEqual([]);
  });

  it('case 2: extending both — both active, paid by the Studio from now', () => {
    // Act
    const { company, timeline } = createCompanyByStudio(undefined, { ...command, extend: ['sdi', 'eRicevi'] }, T0);
    // Assess
    const studioPayer = { kind: 'studio', studioId: STUDIO };
    for (const service of [company.services.sdi, company.services.eRicevi]) {
      expect(service).toEqual({ status: 'active', payer: studioPayer, history: [{ payer: studioPayer, from: T0 }] });
    }
    expect(timeline.filter((e) => e.action === 'serviceExtended').map((e) => e.details.service)).toEqual(['sdi', 'eRicevi']);
  });

  it('extending only one leaves the other inactive', () => {
    // Act
    const { company } = createCompanyByStudio(undefined, { ...command, extend: ['eRicevi'] }, T0);
    // Assess
    expect(company.services.sdi.status).toBe('inactive');
    expect(company.services.eRicevi.status).toBe('active');
  });

  it('refuses a company that already exists, saying to connect instead', () => {
    // Prepare
    const existing = createdByFic();
    // Act / Assess
    expect(() => createCompanyByStudio(existing, command, T0)).toThrow(CompanyAlreadyExistsError);
    expect(() => createCompanyByStudio(existing, command, T0)).toThrow(/connect to it instead/);
  });

  it('refuses an invalid Partita IVA or Codice Fiscale', () => {
    expect(() => createCompanyByStudio(undefined, { ...command, vatNumber: '01234560018' }, T0)).toThrow(InvalidVatNumberError);
    expect(() => createCompanyByStudio(undefined, { ...command, taxCode: 'RSSMRA85T10A562X' }, T0)).toThrow(InvalidTaxCodeError);
  });
});
