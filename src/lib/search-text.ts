// The form names are compared in by the DPO's search: what a DPO types and what the requester wrote meet in it
// whatever the letter case, the accents and marks (Greek tonos, Polish ą ę ś, Bulgarian й; both sides are folded
// alike, so a mark left out finds the name) and the Greek final sigma. Kept beside the name (`requests.name_key`), since neither SQLite's LIKE nor a PostgreSQL database
// in the C locale folds beyond ASCII.

/** Letters that are letters of their own, not a base letter with a mark, and would not fold by NFD alone. */
const ownLetters: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ß: 'ss' };

export function nameSearchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .toLowerCase()
    .replace(/[łøđß]/g, (letter) => ownLetters[letter] ?? letter)
    .replace(/ς/g, 'σ')
    .replace(/\s+/g, ' ')
    .trim();
}
