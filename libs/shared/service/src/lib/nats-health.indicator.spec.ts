import { judgeJetStreamStorage } from './nats-health.indicator';

const GiB = 1024 ** 3;

describe('judgeJetStreamStorage', () => {
  it('is up below 90 % of the limit, degraded from it, with how full and what to do', () => {
    expect(judgeJetStreamStorage(0.89 * 8 * GiB, 8 * GiB)).toEqual({ status: 'up' });
    const nearlyFull = judgeJetStreamStorage(7.3 * GiB, 8 * GiB);
    expect(nearlyFull.status).toBe('degraded');
    expect(nearlyFull).toEqual({
      status: 'degraded',
      error:
        "JetStream store 7.30 GiB of 8.00 GiB used (91 %): when it is full, every audited act is refused (the audit log cannot record it) and imports and change events wait (nothing is lost) until there is room — raise the NATS servers' max_file_store (and NATS_JETSTREAM_MAX_STORAGE) or shorten the streams' retention",
    });
    expect(judgeJetStreamStorage(0.9 * 8 * GiB, 8 * GiB).status).toBe('degraded');
  });

  it('says 100 % when the account stores more than the limit it was given (one set below the servers’ own), and judges nothing without a limit', () => {
    expect(judgeJetStreamStorage(9 * GiB, 8 * GiB)).toMatchObject({ status: 'degraded', error: expect.stringContaining('9.00 GiB of 8.00 GiB used (100 %)') });
    expect(judgeJetStreamStorage(900 * GiB, null)).toEqual({ status: 'up' });
  });
});
