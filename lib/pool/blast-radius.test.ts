import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, connectionLostMidAnswer, malformedAnswer, networkFailure, truncatedFailure, upstreamFailure } from '@/lib/grok/errors';
import { createFailureLedger } from './blast-radius';

const http = (status: number, body = '') => classifyHttpFailure(status, new Headers(), body);

describe('createFailureLedger', () => {
  it('a transient failure counts against its account and another account may try', () => {
    expect(createFailureLedger().judge(truncatedFailure())).toEqual({ charge: true, tryAnother: true });
  });

  it('the same transient failure on a second account: not charged, no further retries', () => {
    const ledger = createFailureLedger();
    ledger.judge(truncatedFailure());
    expect(ledger.judge(truncatedFailure())).toEqual({ charge: false, tryAnother: false });
  });

  it('a different transient failure may be retried but charges no second account', () => {
    const ledger = createFailureLedger();
    expect(ledger.judge(http(502, 'Bad gateway'))).toEqual({ charge: true, tryAnother: true });
    expect(ledger.judge(networkFailure(new Error('connection reset')))).toEqual({ charge: false, tryAnother: true });
    expect(ledger.judge(http(502, 'Bad gateway'))).toEqual({ charge: false, tryAnother: false });
  });

  it('a failure that is nobody’s fault is never charged; its repeat still stops the retries', () => {
    const ledger = createFailureLedger();
    expect(ledger.judge(malformedAnswer('upload answered without a file id'))).toEqual({ charge: false, tryAnother: true });
    expect(ledger.judge(malformedAnswer('upload answered without a file id'))).toEqual({ charge: false, tryAnother: false });
  });

  it('a Cloudflare challenge on two accounts stops the retries: the egress is at fault', () => {
    const ledger = createFailureLedger();
    const cf = () => classifyHttpFailure(403, new Headers({ 'content-type': 'text/html' }), '<html>Just a moment...</html>');
    expect(ledger.judge(cf())).toEqual({ charge: false, tryAnother: true });
    expect(ledger.judge(cf())).toEqual({ charge: false, tryAnother: false });
  });

  it('account-specific failures always count and repeat freely (each account has its own limit)', () => {
    const ledger = createFailureLedger();
    for (let i = 0; i < 4; i++) expect(ledger.judge(http(429, 'Too many requests'))).toEqual({ charge: true, tryAnother: true });
    expect(ledger.judge(http(401, 'invalid-credentials'))).toEqual({ charge: true, tryAnother: true });
  });

  it('an account-specific failure in between neither undoes the first strike nor reopens the charge', () => {
    const ledger = createFailureLedger();
    expect(ledger.judge(truncatedFailure())).toEqual({ charge: true, tryAnother: true });
    expect(ledger.judge(http(429))).toEqual({ charge: true, tryAnother: true });
    expect(ledger.judge(upstreamFailure('timeout', 'upstream sent nothing for 60s (mid-answer)'))).toEqual({ charge: false, tryAnother: true });
  });

  it('a failed connection is charged to no account and, being the transport, does not end the retries', () => {
    const ledger = createFailureLedger();
    const reset = () => networkFailure(new Error('Network connection lost.'));
    for (let i = 0; i < 3; i++) expect(ledger.judge(reset())).toEqual({ charge: false, tryAnother: true });
    // Nor does it use up the request's one charge: a transient failure after it still counts.
    expect(ledger.judge(truncatedFailure())).toEqual({ charge: true, tryAnother: true });
  });

  it('a connection lost mid-answer is a truncated answer: charged once, its repeat ends the retries', () => {
    const ledger = createFailureLedger();
    const lost = () => connectionLostMidAnswer(new Error('Network connection lost.'));
    expect(ledger.judge(lost())).toEqual({ charge: true, tryAnother: true });
    expect(ledger.judge(lost())).toEqual({ charge: false, tryAnother: false });
  });

  it('failures that may not be retried stay that way', () => {
    expect(createFailureLedger().judge(upstreamFailure('moderated', 'content moderated'))).toEqual({ charge: false, tryAnother: false });
  });
});
