/**
 * A small model of DOMAIN.md's rules for one Partita IVA, written apart from `shared/domain` so the race
 * test does not check the code against itself. `linearize` searches for a sequential order of observed
 * operations that gives each its observed answer and ends in the observed state.
 */
export type ServiceKind = 'sdi' | 'eRicevi';
export const serviceKinds: readonly ServiceKind[] = ['sdi', 'eRicevi'];
/** `fic`, or the id of the paying Studio. */
export type Payer = string;

export interface ModelState {
  exists: boolean;
  hasEmail: boolean;
  /** Payers over time per service; empty: inactive. */
  services: Record<ServiceKind, Payer[]>;
  connections: Record<string, 'active' | 'pending'>;
  /** Label of the pending confirmation token (`T0` known to the test, `new` issued during the round), or null. */
  pending: string | null;
  usedTokens: string[];
  einvoicing: { at: string; eventId: string } | null;
  emails: number;
}

export type Operation =
  | { kind: 'create'; studio: string; extend: ServiceKind[] }
  | { kind: 'extend'; studio: string; services: ServiceKind[] }
  | { kind: 'connect'; studio: string }
  | { kind: 'activation'; eventId: string; at: string }
  | { kind: 'confirm'; token: string };

/** The answer as observed: an HTTP status with the problem kind, or the processed event's detail. */
export type Answer = string;

const current = (state: ModelState, kind: ServiceKind): Payer | undefined => state.services[kind].at(-1);
const withFic = (state: ModelState) => serviceKinds.every((kind) => current(state, kind) === 'fic');

function billTo(state: ModelState, kind: ServiceKind, payer: Payer): void {
  if (current(state, kind) !== payer) state.services[kind] = [...state.services[kind], payer];
}

export function clone(state: ModelState): ModelState {
  return {
    ...state,
    services: { sdi: [...state.services.sdi], eRicevi: [...state.services.eRicevi] },
    connections: { ...state.connections },
    usedTokens: [...state.usedTokens],
    einvoicing: state.einvoicing && { ...state.einvoicing },
  };
}

/** Applies one operation to a copy of the state: its answer, and the state after. */
export function apply(state: ModelState, op: Operation): { answer: Answer; next: ModelState } {
  const next = clone(state);
  switch (op.kind) {
    case 'create': {
      if (state.exists) return { answer: '409 company-exists', next: state };
      next.exists = true;
      next.hasEmail = true;
      next.connections[op.studio] = 'active';
      for (const kind of op.extend) billTo(next, kind, op.studio);
      return { answer: '201', next };
    }
    case 'extend': {
      const connection = state.exists ? state.connections[op.studio] : undefined;
      if (connection === undefined) return { answer: '404 not-found', next: state };
      if (connection === 'pending') return { answer: '403 connection-pending', next: state };
      for (const kind of serviceKinds.filter((k) => op.services.includes(k))) {
        const payer = current(state, kind);
        if (payer === 'fic') return { answer: '409 service-with-fic-client', next: state };
        if (payer !== undefined && payer !== op.studio) return { answer: '409 service-extended-by-another-studio', next: state };
      }
      for (const kind of op.services) billTo(next, kind, op.studio);
      return { answer: '200', next };
    }
    case 'connect': {
      if (!state.exists) return { answer: '404 not-found', next: state };
      if (state.connections[op.studio] !== undefined) return { answer: '200', next: state };
      next.connections[op.studio] = 'pending';
      return { answer: '202', next };
    }
    case 'activation': {
      if (!state.exists) {
        // Case 3: the company acted in FIC itself; both services are its own, nobody to ask.
        next.exists = true;
        next.hasEmail = false;
        next.services = { sdi: ['fic'], eRicevi: ['fic'] };
        next.einvoicing = { at: op.at, eventId: op.eventId };
        return { answer: 'companyCreated', next };
      }
      if (state.einvoicing && op.at < state.einvoicing.at) return { answer: 'stale', next: state };
      if (withFic(state)) return { answer: 'alreadyWithFicClient', next: state };
      next.einvoicing = { at: op.at, eventId: op.eventId };
      if (state.pending !== null) return { answer: 'confirmationAlreadyPending', next };
      next.pending = 'new';
      next.emails += 1;
      return { answer: 'confirmationRequested', next };
    }
    case 'confirm': {
      if (state.pending === op.token) {
        next.pending = null;
        next.usedTokens.push(op.token);
        for (const kind of serviceKinds) billTo(next, kind, 'fic');
        return { answer: '200', next };
      }
      if (state.usedTokens.includes(op.token)) return { answer: '410', next: state };
      return { answer: '410', next: state };
    }
  }
}

export const stateKey = (state: ModelState): string => JSON.stringify(state, Object.keys(state).sort());

export interface Observed {
  op: Operation;
  answer: Answer;
}

/**
 * Depth-first search for an order of all observed operations in which each gets its observed answer and
 * which ends in `final`. Operations that change nothing where they stand are taken at once (placing a
 * no-op earlier never rules out an order), and interchangeable operations are tried once.
 */
export function linearize(initial: ModelState, observed: readonly Observed[], final: ModelState, budget = 200_000): { found: boolean; order?: Observed[]; explored: number } {
  const finalKey = stateKey(final);
  const seen = new Set<string>();
  let explored = 0;
  const search = (state: ModelState, remaining: Observed[], order: Observed[]): Observed[] | undefined => {
    if (++explored > budget) return undefined;
    // Consume every no-op that matches here.
    let rest = remaining;
    let progressed = true;
    const taken: Observed[] = [];
    while (progressed) {
      progressed = false;
      const kept: Observed[] = [];
      for (const item of rest) {
        const { answer, next } = apply(state, item.op);
        if (answer === item.answer && next === state) {
          taken.push(item);
          progressed = true;
        } else kept.push(item);
      }
      rest = kept;
    }
    const path = [...order, ...taken];
    if (rest.length === 0) return stateKey(state) === finalKey ? path : undefined;
    const key = `${stateKey(state)}|${rest.map((item) => JSON.stringify(item)).sort().join(',')}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const tried = new Set<string>();
    for (let i = 0; i < rest.length; i++) {
      const item = rest[i]!;
      const signature = JSON.stringify(item);
      if (tried.has(signature)) continue;
      tried.add(signature);
      const { answer, next } = apply(state, item.op);
      if (answer !== item.answer || next === state) continue;
      const found = search(next, [...rest.slice(0, i), ...rest.slice(i + 1)], [...path, item]);
      if (found) return found;
    }
    return undefined;
  };
  const order = search(initial, [...observed], []);
  return order ? { found: true, order, explored } : { found: false, explored };
}
