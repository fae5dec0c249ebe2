import { PoisonMessageError } from '@vigie/shared-messaging';
import { asPoisonIfData, AUDIT_WRITER_CONSUMER } from './audit-writer.consumer';

describe('audit-writer consumer', () => {
  it('turns data errors of the database into poison, keeps outages transient', () => {
    const dataError = Object.assign(new Error('date/time field value out of range'), { code: '22008' });
    const integrity = Object.assign(new Error('null value in column "event_time"'), { code: '23502' });
    const outage = Object.assign(new Error('Connection terminated'), { code: '57P01' });
    const network = new Error('connect ECONNREFUSED');
    expect(asPoisonIfData(dataError)).toBeInstanceOf(PoisonMessageError);
    expect((asPoisonIfData(integrity) as Error).message).toMatch(/SQLSTATE 23502/);
    expect(asPoisonIfData(outage)).toBe(outage);
    expect(asPoisonIfData(network)).toBe(network);
  });

  it('is declared on the AUDIT stream with generous redelivery', () => {
    expect(AUDIT_WRITER_CONSUMER).toMatchObject({ stream: 'AUDIT', durable: 'audit-writer', filterSubject: 'audit.v1.events.*.recorded' });
    expect(AUDIT_WRITER_CONSUMER.maxDeliver).toBeGreaterThanOrEqual(50);
    // What the consume subscription may buffer must be handled well within ack_wait (30 s).
    expect(AUDIT_WRITER_CONSUMER.maxAckPending).toBeLessThanOrEqual(1000);
  });
});
