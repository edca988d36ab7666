/**
 * A list read over REST and kept live by events. A read is answered from what the server held
 * when it read, and an event may overtake its answer: set as it came, the answer would undo the
 * change (a page a script deleted while the list loaded would come back, until the next reload).
 * So each live change is applied at once and kept while a read is on its way; the read's answer
 * is set first, then those changes again, in the order they came. A change the answer already
 * holds is applied twice to the same effect. Only the newest read is set; `stop` drops all.
 */
export function createLiveReads() {
  const kept = new Set<Array<() => void>>();
  let newest = 0;
  return {
    /** Applies a live change (an event, a form's answer) now, and again after a read on its way. */
    change(apply: () => void) {
      apply();
      for (const changes of kept) changes.push(apply);
    },
    /**
     * Reads; sets the answer with `set` unless a newer read began or `stop` came meanwhile.
     * Answers the value set, or undefined; throws the newest read's failure only.
     */
    async read<T>(request: () => Promise<T>, set: (value: T) => void): Promise<T | undefined> {
      const id = ++newest;
      const changes: Array<() => void> = [];
      kept.add(changes);
      try {
        let value: T;
        try {
          value = await request();
        } catch (error) {
          if (id !== newest) return undefined;
          throw error;
        }
        if (id !== newest) return undefined;
        set(value);
        for (const apply of changes) apply();
        return value;
      } finally {
        kept.delete(changes);
      }
    },
    /** Drops the answers of reads on their way (the page is left). */
    stop() {
      newest++;
    },
  };
}
