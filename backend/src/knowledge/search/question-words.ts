/**
 * The words of a question, as both retrieval and answering see them: tokens, and the function words
 * and framing filler that say nothing about a question's topic.
 */

// Function words plus the filler people wrap support questions in ("hi, could you tell me…", "how
// does … work?", "… isn't working"): words that frame a question say nothing about its topic, and
// counting them let a passage that merely mentions "working" outrank the one about the topic.
// A complaint's framing ("… is broken", "a problem with …") and "how long does … take" name no
// topic either, nor do the halves of a contraction as Postgres parses them ("isn't" → isn, t).
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can cannot could did do does doing done down during each few for from further get gets getting got had has have having he her here hers ' +
    'herself him himself his how i if in into is it its itself just let lets me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own please same she should so some such than that the their theirs them themselves then there these they ' +
    'this those through to too under until up very was we were what when where which while who whom why will with would you your yours ' +
    'yourself yourselves hi hello hey thanks thank tell know want wanted need needs like way ways possible possibly wondering question ' +
    'help anyone someone something anything thing things also really still even much many one ok okay yes dont im ive cant whats hows ' +
    'use using make go going see look able may might must shall within without across along around behind beyond ' +
    'inside outside toward towards upon via per etc every since though although whether yet ever always never often ' +
    'sometimes already soon another either neither work works working worked ' +
    'broken problem problems issue issues trouble wrong long take takes took taking ' +
    'isn aren wasn weren don doesn didn won wouldn couldn shouldn haven hasn hadn ve ll ' +
    'isnt arent wasnt werent doesnt didnt wont wouldnt couldnt shouldnt havent hasnt hadnt'
  ).split(/\s+/),
);

/** Lower-cased word tokens (letters and digits, apostrophes dropped so "what's" → "whats"). */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The words that carry a question's topic, in order, de-duplicated (bare numbers and stop words out). */
export function topicWords(text: string): string[] {
  return [...new Set(tokenize(text).filter((w) => !STOPWORDS.has(w) && w.length > 1 && !/^\d+$/.test(w)))];
}
