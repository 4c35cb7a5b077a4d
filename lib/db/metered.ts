/**
 * @module db/metered
 * Counts what a request asks of D1: statements, and round trips in sequence (a call that starts while
 * another is in flight overlaps it and adds none). On Cloudflare each round trip is a trip to the
 * database's primary, so the gateway reports these before its first upstream byte (`Server-Timing`).
 */
export interface D1Meter {
  statements: number;
  roundTrips: number;
}

class MeteredStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly track: <T>(n: number, p: Promise<T>) => Promise<T>,
  ) {}
  bind(...values: unknown[]) {
    return new MeteredStatement(this.inner.bind(...values), this.track);
  }
  first(column?: string) {
    return this.track(1, column === undefined ? this.inner.first() : this.inner.first(column));
  }
  run() {
    return this.track(1, this.inner.run());
  }
  all() {
    return this.track(1, this.inner.all());
  }
  raw(options?: { columnNames?: boolean }) {
    return this.track(1, this.inner.raw(options as { columnNames: true }));
  }
}

export function meterD1(d1: D1Database): { db: D1Database; meter: D1Meter } {
  const meter: D1Meter = { statements: 0, roundTrips: 0 };
  let inFlight = 0;
  const track = <T>(n: number, p: Promise<T>): Promise<T> => {
    meter.statements += n;
    if (inFlight++ === 0) meter.roundTrips++;
    return p.finally(() => inFlight--);
  };
  const db = {
    prepare: (query: string) => new MeteredStatement(d1.prepare(query), track),
    batch: (statements: MeteredStatement[]) => track(statements.length, d1.batch(statements.map((s) => s.inner))),
    exec: (query: string) => track(1, d1.exec(query)),
    withSession: d1.withSession?.bind(d1),
    dump: (d1 as { dump?: () => Promise<ArrayBuffer> }).dump?.bind(d1),
  };
  return { db: db as unknown as D1Database, meter };
}

/** The meter as a `Server-Timing` entry. */
export const serverTiming = (m: D1Meter) => `d1;desc="statements=${m.statements} round_trips=${m.roundTrips}"`;
