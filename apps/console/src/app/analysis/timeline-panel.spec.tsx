/**
 * @jest-environment jsdom
 */
import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { TimelineBucketCount } from '../../lib/analysis/analysis-types';
import { histogramBars } from '../../lib/analysis/timeline-model';
import { I18nProvider } from '../i18n-context';
import { Brush, TimelinePanel } from './timeline-panel';

const bars: TimelineBucketCount[] = histogramBars(
  [
    { start: '2024-01-01T00:00:00.000Z', objects: 2, links: 1 },
    { start: '2024-04-01T00:00:00.000Z', objects: 1, links: 0 },
  ],
  'month',
);

function Harness({ onBrush }: { onBrush(b: Brush | null): void }) {
  const [brush, setBrush] = useState<Brush | null>(null);
  return (
    <I18nProvider>
      <TimelinePanel
        bars={bars}
        bucket="month"
        onBucket={() => undefined}
        brush={brush}
        onBrush={(b) => {
          setBrush(b);
          onBrush(b);
        }}
        inWindow={brush ? 2 : null}
      />
    </I18nProvider>
  );
}

describe('TimelinePanel', () => {
  beforeEach(() => localStorage.setItem('vigie.language', 'en'));

  it('draws one bar per month between the dated ones, each with its counts as text', () => {
    const { container } = render(<Harness onBrush={jest.fn()} />);
    const titles = [...container.querySelectorAll('.timeline-chart g.bar title')].map((t) => t.textContent);
    expect(titles).toHaveLength(4);
    expect(titles[0]).toContain('2 objects, 1 links');
    expect(titles[1]).toContain('0 objects, 0 links');
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/^Histogram of 4 intervals/);
    expect(screen.getByRole('status').textContent).toBe('No time window: everything is shown.');
  });

  it('brushes with the keyboard-operable range inputs, and clears', () => {
    const onBrush = jest.fn();
    const { container } = render(<Harness onBrush={onBrush} />);
    fireEvent.change(screen.getByLabelText('Window end'), { target: { value: '1' } });
    expect(onBrush).toHaveBeenLastCalledWith({ first: 0, last: 1 });
    fireEvent.change(screen.getByLabelText('Window start'), { target: { value: '1' } });
    expect(onBrush).toHaveBeenLastCalledWith({ first: 1, last: 1 });
    expect(container.querySelectorAll('.timeline-chart g.bar.out')).toHaveLength(3);
    expect(screen.getByRole('status').textContent).toMatch(/^Window from .*Feb.*2024.* to .*Feb.*2024.*: 2 objects of the graph\.$/);
    fireEvent.click(screen.getByRole('button', { name: 'Clear window' }));
    expect(onBrush).toHaveBeenLastCalledWith(null);
    expect(container.querySelectorAll('.timeline-chart g.bar.out')).toHaveLength(0);
  });

  it('a start moved past the end drags the end along (never an inverted window)', () => {
    const onBrush = jest.fn();
    render(<Harness onBrush={onBrush} />);
    fireEvent.change(screen.getByLabelText('Window end'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('Window start'), { target: { value: '3' } });
    expect(onBrush).toHaveBeenLastCalledWith({ first: 3, last: 3 });
  });

  it('says so when nothing is dated', () => {
    render(
      <I18nProvider>
        <TimelinePanel bars={[]} bucket="day" onBucket={jest.fn()} brush={null} onBrush={jest.fn()} inWindow={null} />
      </I18nProvider>,
    );
    expect(screen.getByText('No dates for the objects in the graph.')).toBeTruthy();
  });
});
