import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { combineMarkings, Marking, markingKey } from '../lib/markings';

interface Registry {
  combined: Marking;
  report(owner: symbol, markings: Marking[]): void;
  withdraw(owner: symbol): void;
}

const MarkingsContext = createContext<Registry | null>(null);

/** Collects the markings of everything on screen; the banners show their combination. */
export function MarkingsProvider({ children }: { children: ReactNode }) {
  const [byOwner, setByOwner] = useState<Map<symbol, Marking[]>>(() => new Map());
  // report/withdraw must keep their identity: the hook's cleanup depends on withdraw, and a new
  // identity on every change would withdraw the markings it just reported.
  const report = useCallback(
    (owner: symbol, markings: Marking[]) =>
      setByOwner((prev) => {
        const before = prev.get(owner);
        if (before && before.map(markingKey).join('|') === markings.map(markingKey).join('|')) return prev;
        return new Map(prev).set(owner, markings);
      }),
    [],
  );
  const withdraw = useCallback(
    (owner: symbol) =>
      setByOwner((prev) => {
        if (!prev.has(owner)) return prev;
        const next = new Map(prev);
        next.delete(owner);
        return next;
      }),
    [],
  );
  const registry = useMemo<Registry>(() => ({ combined: combineMarkings([...byOwner.values()].flat()), report, withdraw }), [byOwner, report, withdraw]);
  return <MarkingsContext.Provider value={registry}>{children}</MarkingsContext.Provider>;
}

function useRegistry(): Registry {
  const value = useContext(MarkingsContext);
  if (!value) throw new Error('markings hooks outside MarkingsProvider');
  return value;
}

/** Declares the markings a component displays, for as long as it is mounted. */
export function useDisplayedMarkings(markings: Marking[]): void {
  const { report, withdraw } = useRegistry();
  const [owner] = useState(() => Symbol('markings'));
  const key = markings.map(markingKey).join('|');
  useEffect(() => {
    report(owner, markings);
  }, [key, owner]);
  useEffect(() => () => withdraw(owner), [owner, withdraw]);
}

export function useCombinedMarking(): Marking {
  return useRegistry().combined;
}
