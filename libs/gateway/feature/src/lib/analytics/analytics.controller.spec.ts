import { RequestContract } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { AnalyticsController } from './analytics.controller';

describe('AnalyticsController (gateway)', () => {
  const sent: { subject: string; payload: unknown }[] = [];
  const client = {
    request: async (contract: RequestContract, payload: unknown) => {
      sent.push({ subject: contract.subject, payload });
      return { answered: contract.subject };
    },
  } as unknown as ServiceClient;
  const controller = new AnalyticsController(client);

  beforeEach(() => sent.splice(0));

  it.each([
    ['search', 'analytics.v1.search.query'],
    ['neighbourhood', 'analytics.v1.graph.neighbourhood'],
    ['paths', 'analytics.v1.graph.paths'],
    ['searchAround', 'analytics.v1.graph.search-around'],
    ['metrics', 'analytics.v1.graph.metrics'],
    ['timeline', 'analytics.v1.timeline.query'],
    ['geo', 'analytics.v1.geo.query'],
  ] as const)('%s forwards the body to %s and returns its answer', async (method, subject) => {
    const body = { any: 'thing' };
    const answer = await controller[method](body);
    expect(sent).toEqual([{ subject, payload: body }]);
    expect(answer).toEqual({ answered: subject });
  });

  it('sends an empty object when there is no body, for the contract to judge', async () => {
    await controller.search(undefined);
    expect(sent[0].payload).toEqual({});
  });
});
