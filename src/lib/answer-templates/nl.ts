import type { AnswerTemplates } from './types.ts';
import { rightArticles } from './types.ts';

/** Dutch: the right as the AVG names it (in parentheses, after the article); "je", as the portal's mails write. */
const rights = {
  access: 'recht van inzage',
  rectification: 'recht op rectificatie',
  erasure: 'recht op gegevenswissing',
  portability: 'recht op overdraagbaarheid van gegevens',
  restriction: 'recht op beperking van de verwerking',
  objection: 'recht van bezwaar',
} as const;

type Type = keyof typeof rights;
const article = (type: Type) => `artikel ${rightArticles[type]} AVG (${rights[type]})`;
const intro = (type: Type) => `Met je verzoek van {{receivedOn}} heb je een beroep gedaan op ${article(type)}.`;

const extended = (type: Type) =>
  '[… waarom we meer tijd nodig hebben, bijvoorbeeld hoeveel systemen we moeten doorzoeken of hoeveel verzoeken we hebben ontvangen]. ' +
  'Volgens artikel 12, lid 3, AVG mag de termijn van een maand indien nodig met nog twee maanden worden verlengd, ' +
  'afhankelijk van de complexiteit en het aantal verzoeken (oorspronkelijke termijn: {{dueOn}}). ' +
  `Intussen werken we verder aan je verzoek op grond van ${article(type)}.`;

const rejected = (type: Type, gap: string) => `We hebben je verzoek van {{receivedOn}} op grond van ${article(type)} beoordeeld. ${gap}`;

const informationNeeded = (type: Type) =>
  `Om je verzoek van {{receivedOn}} op grond van ${article(type)} te kunnen beantwoorden, hebben we het volgende van je nodig: ` +
  '[… wat we nodig hebben, bijvoorbeeld je klantnummer om je identiteit te bevestigen, of ter verduidelijking op welke diensten of welke periode het verzoek betrekking heeft]. ' +
  'Als we redelijke twijfel hebben over de identiteit van wie het verzoek indient, mogen we om de aanvullende informatie vragen ' +
  'die nodig is om die identiteit te bevestigen (artikel 12, lid 6, AVG). Zodra we je antwoord hebben, werken we verder aan je verzoek.';

export const nl: AnswerTemplates = {
  access: {
    completed:
      `${intro('access')} We hebben alle systemen doorzocht waarin we persoonsgegevens verwerken. ` +
      'Het pakket op de statuspagina van je verzoek bevat een kopie van je gegevens en de informatie die artikel 15, lid 1, AVG voorschrijft: ' +
      'de verwerkingsdoeleinden, de categorieën gegevens, de ontvangers, hoe lang we de gegevens bewaren, waar ze vandaan komen en je rechten.\n\n' +
      '[… wat de verzoeker verder moet weten, of verwijder deze regel]',
    extended: extended('access'),
    rejected: rejected(
      'access',
      '[… de reden en de grondslag ervan, bijvoorbeeld: het verzoek is kennelijk ongegrond of buitensporig (artikel 12, lid 5, AVG), of een kopie zou afbreuk doen aan de rechten en vrijheden van anderen (artikel 15, lid 4, AVG)]',
    ),
    'information-needed': informationNeeded('access'),
  },
  rectification: {
    completed:
      `${intro('rectification')} We hebben de volgende gegevens gerectificeerd: [… welke gegevens, van welke naar welke waarde]. ` +
      'Iedere ontvanger aan wie we deze gegevens hadden verstrekt, hebben we van de rectificatie op de hoogte gebracht (artikel 19 AVG).',
    extended: extended('rectification'),
    rejected: rejected(
      'rectification',
      '[… de reden, bijvoorbeeld: de gegevens zijn juist, zoals blijkt uit …; of het verzoek is kennelijk ongegrond of buitensporig (artikel 12, lid 5, AVG)]',
    ),
    'information-needed': informationNeeded('rectification'),
  },
  erasure: {
    completed:
      `${intro('erasure')} We hebben je persoonsgegevens uit al onze systemen gewist en iedere ontvanger aan wie we ze hadden verstrekt ` +
      'van de wissing op de hoogte gebracht (artikel 19 AVG). We bewaren alleen wat we wettelijk moeten bewaren (artikel 17, lid 3, AVG): ' +
      '[… welke gegevens, op welke grondslag en tot wanneer, of verwijder deze zin].',
    extended: extended('erasure'),
    rejected: rejected(
      'erasure',
      '[… de reden en de grondslag ervan, bijvoorbeeld: we moeten facturen op grond van … bewaren tot … (artikel 17, lid 3, onder b, AVG), of de gegevens zijn nodig voor de instelling, uitoefening of onderbouwing van een rechtsvordering (artikel 17, lid 3, onder e, AVG)]',
    ),
    'information-needed': informationNeeded('erasure'),
  },
  portability: {
    completed:
      `${intro('portability')} Op de statuspagina van je verzoek vind je de persoonsgegevens die je ons hebt verstrekt, ` +
      'in een gestructureerde, gangbare en machineleesbare vorm (JSON), zodat je ze aan een andere verwerkingsverantwoordelijke kunt doorgeven. ' +
      '[… als we ze rechtstreeks aan een andere verwerkingsverantwoordelijke hebben doorgegeven: aan wie; of verwijder deze zin]',
    extended: extended('portability'),
    rejected: rejected(
      'portability',
      '[… de reden, bijvoorbeeld: je hebt deze gegevens niet zelf verstrekt, of we verwerken ze niet via geautomatiseerde procedés op grond van toestemming of een overeenkomst (artikel 20, lid 1, AVG), of het doorgeven zou afbreuk doen aan de rechten van anderen (artikel 20, lid 4, AVG)]',
    ),
    'information-needed': informationNeeded('portability'),
  },
  restriction: {
    completed:
      `${intro('restriction')} We hebben de verwerking van de volgende gegevens beperkt: [… welke gegevens, in welke systemen]. ` +
      'We bewaren ze, maar verwerken ze alleen nog met je toestemming, voor de instelling, uitoefening of onderbouwing van een rechtsvordering, ' +
      'ter bescherming van de rechten van een ander of om gewichtige redenen van algemeen belang (artikel 18, lid 2, AVG). ' +
      'Voordat we de beperking opheffen, laten we je dat weten (artikel 18, lid 3, AVG).',
    extended: extended('restriction'),
    rejected: rejected('restriction', '[… de reden, bijvoorbeeld: geen van de gevallen van artikel 18, lid 1, AVG doet zich voor, omdat …]'),
    'information-needed': informationNeeded('restriction'),
  },
  objection: {
    completed: `${intro('objection')} We verwerken je persoonsgegevens niet langer voor het volgende doel: [… welke verwerking is gestopt, bijvoorbeeld direct marketing].`,
    extended: extended('objection'),
    rejected: rejected(
      'objection',
      '[… de reden, bijvoorbeeld: dwingende gerechtvaardigde gronden voor de verwerking die zwaarder wegen dan je belangen, of een rechtsvordering (artikel 21, lid 1, AVG): …; een bezwaar tegen direct marketing kan niet worden afgewezen]',
    ),
    'information-needed': informationNeeded('objection'),
  },
};

/** The answer to an objection to direct marketing (Art. 21(2)–(3)): it is never weighed, and every channel's consents go. */
export const nlDirectMarketing =
  `${intro('objection')} We hebben de verwerking van je persoonsgegevens voor direct marketing stopgezet (art. 21 lid 3 AVG) ` +
  'en al je toestemmingen voor marketing ingetrokken, op elk kanaal (e-mail, sms, telefoon). Je ontvangt zulke berichten niet meer van ons.\n\n' +
  '[… wat de verzoeker verder moet weten, of verwijder deze regel]';
