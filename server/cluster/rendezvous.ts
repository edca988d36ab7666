/**
 * Rendezvous (highest random weight) hashing: each endpoint goes to the instance with the highest
 * score for the pair. Every instance computes the same answer from the same live set, the load is
 * even, and when an instance joins or leaves only the endpoints it gains or held move.
 * @example ownerOf('0b5e…', ['vigil-a', 'vigil-b', 'vigil-c']) // → 'vigil-b'
 */
export function ownerOf(key: string, instances: readonly string[]): string {
  let best = instances[0]!;
  let bestScore = -1;
  for (const instance of instances) {
    const score = mix(fnv1a(instance, fnv1a(key)));
    if (score > bestScore || (score === bestScore && instance < best)) {
      best = instance;
      bestScore = score;
    }
  }
  return best;
}

/** 32-bit FNV-1a of a string, continuing from `seed`. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A final avalanche (murmur3's fmix32), so that similar ids do not get similar scores. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
