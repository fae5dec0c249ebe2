import { parseHighlight } from './highlight';

describe('parseHighlight', () => {
  it('splits marked words and unescapes entities', () => {
    expect(parseHighlight('…Jean <mark>Dupond</mark> &amp; <mark>Dupont</mark> &lt;x&gt;')).toEqual([
      { text: '…Jean ', marked: false },
      { text: 'Dupond', marked: true },
      { text: ' & ', marked: false },
      { text: 'Dupont', marked: true },
      { text: ' <x>', marked: false },
    ]);
  });

  it('keeps other tags as text (never markup)', () => {
    expect(parseHighlight('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>', marked: false }]);
    expect(parseHighlight('')).toEqual([]);
  });
});
