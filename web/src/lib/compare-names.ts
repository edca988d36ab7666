const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Names in the order a person expects: "Burst 2" before "Burst 10", case and accents aside. */
export const compareNames = (a: string, b: string): number => collator.compare(a, b);
