/**
 * The phrase tables behind the rule-based classifier (rules.ts), in the widget's languages:
 * English and German. Patterns run on lower-cased text with typographic apostrophes made plain.
 */

/** Word boundaries that understand umlauts and ß (JavaScript's \b is ASCII-only). */
const START = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}])';

/** One regex matching any of the alternatives as whole words. */
export function anyOf(...alternatives: string[]): RegExp {
  return new RegExp(`${START}(?:${alternatives.join('|')})${END}`, 'u');
}

// ---- Explicit requests for a person ------------------------------------------------------------

const EN_PERSON =
  "(?:a |an |some |your |the |one of your )?(?:real |live |actual |human |proper )?(?:humans?|person|people|agent|representative|rep|someone|somebody|operator|staff|employee|manager|supervisor|support agent|customer service|support(?: team| staff)?|your team|a specialist)";

/** A request for a person on its own; may be negated ("I don't want to talk to a human"). */
export const HUMAN_REQUEST = [
  anyOf(`(?:talk|talking|speak|speaking|chat|chatting|get through|be connected|be transferred) (?:to|with) ${EN_PERSON}`),
  anyOf(`(?:connect|transfer|put|forward|pass|escalate) (?:me|this|it|my (?:case|issue|chat|ticket|request)) (?:through |over |on )?(?:to|with) ${EN_PERSON}`),
  anyOf('(?:real|live|actual) (?:human|person|agent|people)', 'human (?:agent|being|support|operator|representative)'),
  anyOf('(?:want|need|get me|give me|request) (?:a|an) (?:human|representative|operator|agent)'),
  anyOf('(?:can|could) (?:a|an|some) (?:human|real person|person|agent|employee) (?:help|assist|look|check|call|contact)'),
  anyOf('(?:anyone|someone|somebody) (?:i|we) (?:can|could) (?:talk|speak|chat) (?:to|with)', 'escalate (?:this|it|my (?:case|issue|ticket|request))'),
  // Not "callback" alone: "callback URL" is a developer's question.
  anyOf('(?:get|request|want|need|have) a call ?back', 'call me back', 'rückruf'),
  anyOf("(?:don't|do not|dont) want (?:to (?:talk|speak|chat) (?:to|with) )?(?:a |an |the |this |your )?(?:bot|robot|chatbot|machine|ai)", '(?:no|stop the|enough) (?:more )?(?:bots?|robots?|chatbots?)'),
  // German: "mit einem Menschen sprechen", "echter Mensch", "einen Mitarbeiter bitte", "keinen Bot".
  anyOf('(?:echte[nmrs]?|richtige[nmrs]?|reale[nmrs]?|lebende[nmrs]?|menschliche[nmrs]?) (?:menschen?|person|mitarbeiter(?:in)?|ansprechpartner(?:in)?|berater(?:in)?|support)'),
  anyOf('(?:keinen|nicht mit (?:einem|dem)) (?:bot|roboter|chatbot|maschine)', 'keine (?:ki|maschine)'),
];

/**
 * Asking whether the chat is a person ("are you a real person?", "am I talking to a human?") is a
 * question about the bot, not a request for a person.
 */
export const IDENTITY_QUESTION = anyOf(
  '(?:is this|are you|am i (?:talking|speaking|chatting) (?:to|with)|is that) (?:a |an )?(?:real |live |actual )?(?:human|person|bot|robot|ai|machine)',
  '(?:bist du|sind sie|ist das) (?:ein |eine )?(?:echter |echte |richtiger )?(?:mensch|person|bot|roboter|ki)',
);

/** German person phrases that are a request only next to a verb of contact or wanting (below). */
export const DE_PERSON = anyOf(
  '(?:mit|an) (?:einem |einer |dem |der |den |ihrem |ihrer |ihren |einen )?(?:menschen|mensch|person|mitarbeiter(?:in|innen|n)?|ansprechpartner(?:in)?|kundenberater(?:in)?|berater(?:in)?|kundenservice|kundendienst|support|jemandem|jemand)',
  '(?:einen|eine|einem|einer) (?:mitarbeiter(?:in)?|ansprechpartner(?:in)?|kundenberater(?:in)?|berater(?:in)?|menschen)',
);
export const DE_CONTACT_VERB = anyOf(
  'sprechen', 'reden', 'chatten', 'verbinden', 'verbunden', 'weiterleiten', 'telefonieren', 'durchstellen', 'möchte', 'will', 'brauche', 'hätte gerne?', 'bitte',
);

/** The whole message is just a person: "human", "agent please", "Mitarbeiter bitte". */
export const BARE_HUMAN_REQUEST =
  /^(?:(?:a|an|einen|eine) )?(?:human|agent|representative|operator|real person|mitarbeiter(?:in)?|mensch|menschen|ansprechpartner(?:in)?)(?: (?:please|pls|now|bitte|jetzt))?[\s.!]*$/u;

// ---- Abuse ------------------------------------------------------------------------------------
// Intentionally small: only unmistakable insults and profanity aimed at someone. Swearing about a
// situation ("this is shit") is a complaint, not abuse; a longer list would mostly add false alarms.
export const ABUSE = [
  anyOf('you suck', 'fuck(?:ing|er|ers)?', 'f\\*+k', 'motherfucker', 'cunt', 'assholes?', 'dickhead', 'bitch', 'bastard', 'wanker'),
  anyOf("(?:you(?:'re| are)?|u r|ur) (?:such |a |an |so |really |fucking |total |complete )*(?:idiots?|morons?|stupid|dumb|useless|retard(?:ed)?|loser|clown)"),
  anyOf('(?:stupid|dumb|useless|idiotic|shitty|damn) (?:bot|robot|chatbot|machine|ai|thing)'),
  anyOf('shut up', 'go to hell', 'screw you', 'piss off', 'kill yourself'),
  anyOf('arschloch', 'wichser', 'hurensohn', 'fotze', 'vollidiot', 'fick dich', 'leck mich', 'verpiss dich', 'halt (?:die klappe|den mund|das maul|\'?s maul)'),
  anyOf('(?:du|sie) (?:bist |sind )?(?:ein |eine |so |echt |total |völlig )*(?:idiot|depp|trottel|blöd|dumm|nutzlos|unfähig)'),
  anyOf('(?:blöde[rs]?|dumme[rs]?|nutzlose[rs]?|scheiß|beschissene[rs]?) (?:bot|roboter|maschine|ki|ding)'),
];

// ---- Complaints -------------------------------------------------------------------------------

/** Phrases that are a complaint as written (they carry their own negation). */
export const COMPLAINT_PHRASES = [
  anyOf('never (?:arrived|came|received|got)', 'still (?:not|no|hasn\'t|haven\'t|waiting)', "(?:been|keep) waiting", 'waste of (?:time|money)'),
  anyOf('wrong (?:item|order|size|product|package|parcel)', 'arrived (?:damaged|broken)', 'money back', 'rip[- ]?off', 'scam'),
  anyOf('nie angekommen', '(?:kaputt|beschädigt|defekt) angekommen', 'immer noch nicht', 'warte (?:schon|seit)', 'falsche[nrs]? (?:artikel|lieferung|größe|produkt|paket)', 'geld zurück', 'abzocke', 'betrug', 'reklamation'),
];

/** Words of dissatisfaction; "not bad"-style negation right before them cancels them. */
export const COMPLAINT_WORDS = anyOf(
  'complain(?:t|ts|ing|ed)?', 'terrible', 'awful', 'horrible', 'worst', 'unacceptable', 'ridiculous', 'disappoint(?:ed|ing)', 'frustrat(?:ed|ing)',
  'angry', 'annoyed', 'furious', 'upset', 'outraged', 'pathetic', 'appalling', 'disgusting', 'unhappy', 'dissatisfied',
  '(?:poor|bad|lousy) (?:service|experience|quality|support)', 'shit', 'crap', 'sucks', 'hate (?:this|it|that|your)',
  'beschwerde', 'beschweren', 'unzufrieden', 'enttäuscht', 'enttäuschend', 'verärgert', 'ärgerlich', 'sauer', 'wütend', 'schrecklich', 'furchtbar',
  'katastrophal', 'miserabel', 'unverschämt', 'unverschämtheit', 'frechheit', 'zumutung', 'inakzeptabel', 'unfreundlich', 'scheiße', 'scheisse', 'mist',
  'schlechte[rsn]? (?:service|erfahrung|qualität|kundenservice)',
);

// ---- Small talk -------------------------------------------------------------------------------

/** Greetings, thanks, goodbyes and pleasantries; removed before looking for a question. */
export const SMALL_TALK = new RegExp(
  anyOf(
    'hi+', 'hello', 'hey', 'heya', 'hiya', 'yo', 'good (?:morning|afternoon|evening|day|night)', 'thank you(?: (?:so|very) much)?', 'thanks(?: a lot| so much)?', 'thx', 'ty',
    'cheers', 'bye', 'good ?bye', 'see you(?: later| soon)?', '(?:talk|speak) (?:to you )?(?:later|soon)', 'bis später', 'have a (?:nice|good|great) (?:day|evening|weekend|one)', "how are you(?: doing)?(?: today)?", "how's it going",
    "what's up", 'nice to meet you', "you're welcome", 'ok(?:ay)?', 'cool', 'great', 'nice', 'awesome', 'perfect', 'lol',
    'hallo', 'moin(?: moin)?', 'servus', 'grüß gott', 'grüezi', 'guten (?:morgen|tag|abend)', 'gute nacht', 'danke(?: schön| sehr| vielmals)?', 'dankeschön',
    'vielen dank', 'tschüss?', 'ciao', 'bis bald', 'auf wiedersehen', "wie geht(?:'s| es (?:dir|ihnen))?", 'alles klar', 'super', 'prima', 'toll', 'schönen tag',
  ).source,
  'gu',
);

// ---- Questions --------------------------------------------------------------------------------

/** Words that open a question (English wh-words and auxiliaries, German W-Fragen and verbs first). */
export const QUESTION_OPENER = new RegExp(
  `^(?:what|what's|where|where's|when|why|how|who|whom|whose|which|can|could|do|does|did|is|are|was|were|will|would|should|may|might|have|has|am|` +
    `wer|wen|wem|wessen|was|wann|wo|woher|wohin|warum|wieso|weshalb|wie|welche[rsnm]?|kann|kannst|können|könnt|könnten|könntest|darf|muss|müssen|gibt|habe|hast|haben|hat|ist|sind|bin|wird|werden|soll|sollte)${END}`,
  'u',
);

/** Asking for help without a question mark: "I need help with…", "I can't log in", "ich suche…". */
export const HELP_REQUEST = anyOf(
  'i need help', 'help me', 'please help', '^help',
  '(?:i have|i\'ve got|got) (?:a|an|one more) (?:problem|issue|question)', 'problem with', 'ich habe (?:ein|eine|noch eine) (?:problem|frage)', 'problem mit', 'need (?:some )?help', "(?:i want|i would like|i'd like) to know", 'tell me', "(?:i am|i'm) looking for", "(?:can't|cannot|unable to) (?:\\p{L}+)",
  'hilfe', 'helfen', 'ich suche', 'ich möchte wissen', 'wissen ob', 'ich kann (?:mich )?nicht',
);

/** Words that negate what follows them in the same clause. "can't" is not among them: "why can't I talk to a person?" asks for one. */
export const NEGATION = /^(?:not|no|never|don't|dont|doesn't|didn't|won't|wouldn't|shouldn't|neither|nor|without|nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals|ohne)$/u;
