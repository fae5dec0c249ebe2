import { unprocessedShare } from './job-scheduler.service';

describe('unprocessedShare', () => {
  it('gives a job alone the whole budget and splits it between running jobs', () => {
    expect(unprocessedShare(16, 1)).toBe(16);
    expect(unprocessedShare(16, 0)).toBe(16);
    expect(unprocessedShare(32, 2)).toBe(16);
    expect(unprocessedShare(48, 3)).toBe(16);
  });

  it('never goes below one writer pull (8 batches), nor above the budget', () => {
    expect(unprocessedShare(16, 4)).toBe(8);
    expect(unprocessedShare(4, 3)).toBe(4);
    expect(unprocessedShare(2, 1)).toBe(2);
  });
});
