/**
 * A small deterministic English lemmatiser for query and goal words (no dictionary download):
 * it maps the inflected forms a search agent writes to one form, so that a reworded query is
 * compared by what it asks, not by how it is spelt. It works on words already passed through
 * `normaliseText` (lower case, accents stripped) and changes only ASCII words longer than 3
 * letters; digits and other scripts are returned unchanged. Rules, in order:
 *
 * 1. a few irregular forms: `children` → `child`, `died` → `die`, `women` → `woman`, …;
 * 2. plurals: `-ies` → `-y` (`categories` → `category`), `-sses` → `-ss`, `-es` after
 *    ch/sh/x/z → drop `es` (`matches` → `match`), `-s` → drop unless the word ends in ss/us/is
 *    (`goals` → `goal`, `campus`, `analysis` stay);
 * 3. `-ied` → `-y` (`studied` → `study`); `-ing` (≥ 6 letters) and `-ed` (≥ 5) dropped, a
 *    doubled final consonant undoubled (`running` → `run`, `planned` → `plan`);
 * 4. `-ly` (≥ 6 letters) dropped (`originally` → `original`);
 * 5. a final `e` dropped from words still of 4 letters or more, so that the verb and its
 *    inflections meet (`lectured`, `lecture` → `lectur`; `dated`, `date`, `dating` → `dat`).
 *
 * The result is a matching key, not a dictionary word. `lemma` is memoised per word.
 *
 * @example lemma("categories") // "category"
 */

const IRREGULAR: Readonly<Record<string, string>> = {
  children: "child",
  women: "woman",
  men: "man",
  people: "person",
  died: "die",
  dies: "die",
  dying: "die",
  lives: "life",
  wives: "wife",
  born: "born",
  series: "series",
  species: "species",
  news: "news",
};

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);

function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !VOWELS.has(w[n - 1]!) && w[n - 1] !== "l" && w[n - 1] !== "s")
    return w.slice(0, -1);
  return w;
}

function hasVowel(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (VOWELS.has(w[i]!)) return true;
  return false;
}

function compute(w: string): string {
  const irr = IRREGULAR[w];
  if (irr !== undefined) return irr;
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  let s = w;
  if (s.endsWith("ies") && s.length > 4) s = s.slice(0, -3) + "y";
  else if (s.endsWith("sses")) s = s.slice(0, -2);
  else if (/(ch|sh|x|z)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith("s") && !/(ss|us|is)$/.test(s)) s = s.slice(0, -1);
  if (s.endsWith("ied") && s.length > 4) s = s.slice(0, -3) + "y";
  else if (s.endsWith("ing") && s.length >= 6 && hasVowel(s.slice(0, -3))) s = undouble(s.slice(0, -3));
  else if (s.endsWith("ed") && s.length >= 5 && hasVowel(s.slice(0, -2))) s = undouble(s.slice(0, -2));
  else if (s.endsWith("ly") && s.length >= 6) s = s.slice(0, -2);
  if (s.endsWith("e") && s.length >= 4) s = s.slice(0, -1);
  return s;
}

const MEMO = new Map<string, string>();

/** The matching key of a normalised word (see the rules above). */
export function lemma(word: string): string {
  let r = MEMO.get(word);
  if (r === undefined) {
    r = compute(word);
    if (MEMO.size > 200_000) MEMO.clear();
    MEMO.set(word, r);
  }
  return r;
}
