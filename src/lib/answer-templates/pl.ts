import type { AnswerTemplates } from './types.ts';
import { rightArticles } from './types.ts';

/**
 * Polish: the right as RODO names it (in parentheses, after the article); "Ty", as the portal's mails write, and no
 * past-tense verb of the requester (it would need their grammatical gender).
 */
const rights = {
  access: 'prawo dostępu',
  rectification: 'prawo do sprostowania',
  erasure: 'prawo do usunięcia danych',
  portability: 'prawo do przenoszenia danych',
  restriction: 'prawo do ograniczenia przetwarzania',
  objection: 'prawo sprzeciwu',
} as const;

type Type = keyof typeof rights;
const article = (type: Type) => `art. ${rightArticles[type]} RODO (${rights[type]})`;
const intro = (type: Type) => `Twoje żądanie z dnia {{receivedOn}} zostało złożone na podstawie ${article(type)}.`;

const extended = (type: Type) =>
  '[… dlaczego potrzebujemy więcej czasu, np. ile systemów musimy sprawdzić lub ile żądań otrzymaliśmy]. ' +
  'Zgodnie z art. 12 ust. 3 RODO miesięczny termin może zostać w razie potrzeby przedłużony o kolejne dwa miesiące ' +
  'z uwagi na skomplikowany charakter żądania lub liczbę żądań (pierwotny termin: {{dueOn}}). ' +
  `W tym czasie nadal zajmujemy się Twoim żądaniem złożonym na podstawie ${article(type)}.`;

const rejected = (type: Type, gap: string) => `Rozpatrzyliśmy Twoje żądanie z dnia {{receivedOn}} złożone na podstawie ${article(type)}. ${gap}`;

const informationNeeded = (type: Type) =>
  `Aby odpowiedzieć na Twoje żądanie z dnia {{receivedOn}} złożone na podstawie ${article(type)}, potrzebujemy od Ciebie następujących informacji: ` +
  '[… czego potrzebujemy, np. numeru klienta do potwierdzenia tożsamości albo, dla doprecyzowania, których usług lub jakiego okresu dotyczy żądanie]. ' +
  'Jeżeli mamy uzasadnione wątpliwości co do tożsamości osoby składającej żądanie, możemy poprosić o dodatkowe informacje ' +
  'niezbędne do jej potwierdzenia (art. 12 ust. 6 RODO). Gdy otrzymamy Twoją odpowiedź, wrócimy do rozpatrywania żądania.';

export const pl: AnswerTemplates = {
  access: {
    completed:
      `${intro('access')} Sprawdziliśmy wszystkie systemy, w których przetwarzamy dane osobowe. ` +
      'Pakiet na stronie statusu Twojego żądania zawiera kopię Twoich danych oraz informacje wymagane przez art. 15 ust. 1 RODO: ' +
      'cele przetwarzania, kategorie danych, odbiorców, okres przechowywania, źródło danych i Twoje prawa.\n\n' +
      '[… co jeszcze wnioskodawca powinien wiedzieć – albo usuń ten wiersz]',
    extended: extended('access'),
    rejected: rejected(
      'access',
      '[… powód i jego podstawa prawna, np. żądanie jest ewidentnie nieuzasadnione lub nadmierne (art. 12 ust. 5 RODO) albo kopia niekorzystnie wpłynęłaby na prawa i wolności innych osób (art. 15 ust. 4 RODO)]',
    ),
    'information-needed': informationNeeded('access'),
  },
  rectification: {
    completed:
      `${intro('rectification')} Sprostowaliśmy następujące dane: [… jakie dane, z jakiej wartości na jaką]. ` +
      'O sprostowaniu poinformowaliśmy każdego odbiorcę, któremu ujawniliśmy te dane (art. 19 RODO).',
    extended: extended('rectification'),
    rejected: rejected(
      'rectification',
      '[… powód, np. dane są prawidłowe, co potwierdza …; albo żądanie jest ewidentnie nieuzasadnione lub nadmierne (art. 12 ust. 5 RODO)]',
    ),
    'information-needed': informationNeeded('rectification'),
  },
  erasure: {
    completed:
      `${intro('erasure')} Usunęliśmy Twoje dane osobowe ze wszystkich naszych systemów i poinformowaliśmy o tym każdego odbiorcę, ` +
      'któremu je ujawniliśmy (art. 19 RODO). Przechowujemy tylko to, do czego zobowiązują nas przepisy (art. 17 ust. 3 RODO): ' +
      '[… jakie dane, na jakiej podstawie prawnej i do kiedy – albo usuń to zdanie].',
    extended: extended('erasure'),
    rejected: rejected(
      'erasure',
      '[… powód i jego podstawa prawna, np. musimy przechowywać faktury na podstawie … do … (art. 17 ust. 3 lit. b RODO) albo dane są potrzebne do ustalenia, dochodzenia lub obrony roszczeń (art. 17 ust. 3 lit. e RODO)]',
    ),
    'information-needed': informationNeeded('erasure'),
  },
  portability: {
    completed:
      `${intro('portability')} Na stronie statusu Twojego żądania znajdziesz dane osobowe, które otrzymaliśmy od Ciebie, ` +
      'w ustrukturyzowanym, powszechnie używanym formacie nadającym się do odczytu maszynowego (JSON), dzięki czemu możesz przesłać je innemu administratorowi. ' +
      '[… jeśli przesłaliśmy je bezpośrednio innemu administratorowi – komu; albo usuń to zdanie]',
    extended: extended('portability'),
    rejected: rejected(
      'portability',
      '[… powód, np. tych danych nie otrzymaliśmy od Ciebie albo nie przetwarzamy ich w sposób zautomatyzowany na podstawie zgody lub umowy (art. 20 ust. 1 RODO), albo ich przesłanie niekorzystnie wpłynęłoby na prawa innych osób (art. 20 ust. 4 RODO)]',
    ),
    'information-needed': informationNeeded('portability'),
  },
  restriction: {
    completed:
      `${intro('restriction')} Ograniczyliśmy przetwarzanie następujących danych: [… jakie dane i w jakich systemach]. ` +
      'Przechowujemy je, ale przetwarzamy wyłącznie za Twoją zgodą, w celu ustalenia, dochodzenia lub obrony roszczeń, ' +
      'w celu ochrony praw innej osoby lub z uwagi na ważne względy interesu publicznego (art. 18 ust. 2 RODO). ' +
      'Zanim ograniczenie zostanie uchylone, poinformujemy Cię o tym (art. 18 ust. 3 RODO).',
    extended: extended('restriction'),
    rejected: rejected('restriction', '[… powód, np. nie zachodzi żaden z przypadków z art. 18 ust. 1 RODO, ponieważ …]'),
    'information-needed': informationNeeded('restriction'),
  },
  objection: {
    completed: `${intro('objection')} Nie przetwarzamy już Twoich danych osobowych w następującym celu: [… jakie przetwarzanie zakończyliśmy, np. marketing bezpośredni].`,
    extended: extended('objection'),
    rejected: rejected(
      'objection',
      '[… powód, np. istnieją ważne prawnie uzasadnione podstawy przetwarzania, nadrzędne wobec Twoich interesów, lub podstawy do ustalenia, dochodzenia lub obrony roszczeń (art. 21 ust. 1 RODO): …; sprzeciwu wobec marketingu bezpośredniego nie można odrzucić]',
    ),
    'information-needed': informationNeeded('objection'),
  },
};

/** The answer to an objection to direct marketing (Art. 21(2)–(3)): it is never weighed, and every channel's consents go. */
export const plDirectMarketing =
  `${intro('objection')} Zaprzestaliśmy przetwarzania Twoich danych osobowych na potrzeby marketingu bezpośredniego (art. 21 ust. 3 RODO) ` +
  'i wycofaliśmy wszystkie Twoje zgody marketingowe we wszystkich kanałach (e-mail, SMS, telefon). Nie będziesz już otrzymywać od nas takich wiadomości.\n\n' +
  '[… co jeszcze wnioskodawca powinien wiedzieć – albo usuń ten wiersz]';
