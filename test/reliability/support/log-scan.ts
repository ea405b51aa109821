/**
 * The log scan: nothing the function host wrote during the run holds a raw confirmation token (or a
 * link carrying one), a company's email address, or a JWT (Studio or FIC). The secrets are collected
 * from where they were really used: every email the SES emulator received (its link and recipient).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { linkIn, mailbox, reliability, tokenOfLink } from './reliability.ts';

const jwtPattern = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const tokenLinkPattern = /\/v1\/activations\/[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
/** An address whose local part is not masked (`t***@…` is how the logger writes one). */
const rawEmailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const allowedAddresses = new Set(['no-reply@agyo.local']);

export interface LogFindings {
  lines: number;
  jwts: string[];
  tokenLinks: string[];
  rawEmails: string[];
  knownTokens: string[];
  knownAddresses: string[];
}

/** What `log` reveals: JWTs, links with a token, unmasked addresses, and any of the given tokens or addresses. */
export function findingsIn(log: string, tokens: Iterable<string>, addresses: Iterable<string>): LogFindings {
  const unique = (values: Iterable<string>) => [...new Set(values)];
  return {
    lines: log.split('\n').length,
    jwts: unique(log.match(jwtPattern) ?? []),
    tokenLinks: unique(log.match(tokenLinkPattern) ?? []),
    rawEmails: unique((log.match(rawEmailPattern) ?? []).filter((address) => !allowedAddresses.has(address) && !address.includes('*'))),
    knownTokens: [...tokens].filter((token) => log.includes(token)),
    knownAddresses: [...addresses].filter((address) => log.includes(address)),
  };
}

export async function scanLogs(): Promise<LogFindings> {
  const log = readFileSync(reliability.functionHostLog, 'utf8');
  const tokens = new Set<string>();
  const addresses = new Set<string>();
  for (const email of await mailbox()) {
    for (const to of email.destination.to) addresses.add(to);
    try {
      tokens.add(tokenOfLink(linkIn(email)));
    } catch {
      // not an activation email
    }
  }
  return findingsIn(log, tokens, addresses);
}

/** Called at the end of every reliability file: the log so far (the whole run, by the last file) is clean. */
export async function assertLogsClean(): Promise<void> {
  const findings = await scanLogs();
  expect({ ...findings, lines: undefined }).toEqual({ lines: undefined, jwts: [], tokenLinks: [], rawEmails: [], knownTokens: [], knownAddresses: [] });
}
