/** A search highlight fragment split into plain and matched text, so it renders without innerHTML. */
export interface HighlightSegment {
  text: string;
  marked: boolean;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity]);
}

/** Analytics sends HTML-escaped text with matches in `<mark>`…`</mark>`; any other tag stays text. */
export function parseHighlight(fragment: string): HighlightSegment[] {
  const segments: HighlightSegment[] = [];
  const pattern = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (let match = pattern.exec(fragment); match; match = pattern.exec(fragment)) {
    if (match.index > last) segments.push({ text: unescapeHtml(fragment.slice(last, match.index)), marked: false });
    segments.push({ text: unescapeHtml(match[1]), marked: true });
    last = pattern.lastIndex;
  }
  if (last < fragment.length) segments.push({ text: unescapeHtml(fragment.slice(last)), marked: false });
  return segments;
}
