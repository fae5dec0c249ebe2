/**
 * The open server-sent event streams of a controller, so that a shutdown ends each of them at
 * once with a final event instead of waiting for its client (an open stream otherwise holds the
 * HTTP server's close until the drain timer kills the process). `open` registers a stream's
 * ending function and returns the one that unregisters it; after `closeAll`, a stream opened
 * late is ended at once.
 */
export class SseStreams {
  private readonly streams = new Set<() => void>();
  private closing = false;

  get size(): number {
    return this.streams.size;
  }

  open(end: () => void): () => void {
    if (this.closing) {
      end();
      return () => undefined;
    }
    this.streams.add(end);
    return () => {
      this.streams.delete(end);
    };
  }

  closeAll(): number {
    this.closing = true;
    const ending = [...this.streams];
    this.streams.clear();
    for (const end of ending) end();
    return ending.length;
  }
}
