/**
 * Which reference items a typed word names (`site:austin`, `dept:"Billing Support"`): an item whose key
 * or name is the word exactly (whatever the case) wins alone; otherwise every item whose key or name
 * contains it. Pure, so the rule is tested without a database.
 */
export function matchReference<T extends { key: string; name: string }>(typed: string, items: readonly T[]): T[] {
  const word = typed.trim().toLowerCase();
  if (word === '') return [];
  const exact = items.filter((i) => i.key.toLowerCase() === word || i.name.toLowerCase() === word);
  if (exact.length > 0) return exact;
  return items.filter((i) => i.key.toLowerCase().includes(word) || i.name.toLowerCase().includes(word));
}
